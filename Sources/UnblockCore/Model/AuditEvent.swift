// One entry of the audit trail: who did what to which target, with what outcome. No secrets.

/// An audited action. `detail` carries facts (key version, challenge hash), never secrets.
public struct AuditEvent: Equatable, Sendable {
    /// The action of a login, successful or refused: such events have a trail of their own.
    public static let loginAction = "authenticate"

    public var sequence: UInt64
    public var at: Timestamp
    /// Username of whoever acted, or `-` before authentication.
    public var actor: String
    /// What was done, e.g. `unblock-pin-offline`, `authenticate`, `enable-process`.
    public var action: String
    /// What it was done to, e.g. a card id or a profile name.
    public var target: String
    /// `success`, or the reason it was refused.
    public var outcome: String
    public var detail: String

    public init(
        sequence: UInt64 = 0,
        at: Timestamp,
        actor: String,
        action: String,
        target: String,
        outcome: String,
        detail: String = ""
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.detail = detail
    }
}
