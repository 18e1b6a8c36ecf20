// A user account: who can log in, with which roles, and the state of its login throttling.

/// Stable numeric identity of an account (usernames may be renamed; ids never change).
public struct AccountID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "u-\(rawValue)" }
}

/// What an account may do.
public struct Roles: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Self-service on the account's own cards.
    public static let selfService = Roles(rawValue: 1 << 0)
    /// Administration of the service: everything.
    public static let admin = Roles(rawValue: 1 << 1)
    /// The help desk: read users and cards, unlock users, suspend cards, reset limits, read the audit.
    public static let helpdesk = Roles(rawValue: 1 << 2)
}

/// A user of the service.
public struct Account: Equatable, Sendable {
    /// Whether the account may log in at all.
    public enum State: UInt32, Sendable, CaseIterable {
        case active = 1
        case inactive = 2
    }

    public let id: AccountID
    public var username: String
    public var displayName: String
    public var state: State
    public var roles: Roles
    /// The encoded password hash (`PasswordHasher` form); never the password.
    public var passwordHash: String
    /// Consecutive failed logins since the last success or lockout.
    public var failedLogins: UInt32
    /// Set while the account is locked after too many failures.
    public var lockedUntil: Timestamp?
    /// Consecutive lockouts, so that each one lasts twice as long as the last.
    public var lockouts: UInt32
    /// The last successful login; nil when there was none.
    public var lastLoginAt: Timestamp?
    /// The second factor's secret, sealed with the master key; nil when none is enrolled.
    public var totpSecret: [UInt8]?
    /// The time step of the last one-time code accepted: a code is good once.
    public var totpLastStep: UInt64
    /// A secret the user is enrolling, sealed, until a first code confirms it.
    public var totpPending: [UInt8]?

    public init(
        id: AccountID,
        username: String,
        displayName: String,
        state: State = .active,
        roles: Roles = .selfService,
        passwordHash: String,
        failedLogins: UInt32 = 0,
        lockedUntil: Timestamp? = nil,
        lockouts: UInt32 = 0,
        lastLoginAt: Timestamp? = nil,
        totpSecret: [UInt8]? = nil,
        totpLastStep: UInt64 = 0,
        totpPending: [UInt8]? = nil
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.state = state
        self.roles = roles
        self.passwordHash = passwordHash
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.lockouts = lockouts
        self.lastLoginAt = lastLoginAt
        self.totpSecret = totpSecret
        self.totpLastStep = totpLastStep
        self.totpPending = totpPending
    }

    public var isActive: Bool { state == .active }
    public var isAdmin: Bool { roles.contains(.admin) }
    /// Whether the account may use self-service on its own cards.
    public var isSelfService: Bool { roles.contains(.selfService) }
}
