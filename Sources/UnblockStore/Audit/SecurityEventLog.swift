// The security log: every audit event as a log line at info (who, what, to what, from where), never a secret.
import Dispatch
import Logging
import UnblockCore

/// Logs each audit event at `info` on its own logger (`unblockd.security`), on a queue of its
/// own: logins and their failures, responses issued, every administrative change. Audit
/// events hold no secret (a challenge only as its hash, shortened here).
public final class SecurityEventLog: AuditObserver {
    private let logger: Logger
    private let queue: ObserverQueue

    public init(logger: Logger) {
        self.logger = logger
        queue = ObserverQueue(label: "unblock.security-log") { dropped in
            logger.error(
                "the security log fell behind: events were left out (the audit trail has them)",
                metadata: ["dropped": "\(dropped)"])
        }
    }

    public func append(_ events: [AuditEvent]) {
        guard logger.logLevel <= .info, !events.isEmpty else { return }
        let logger = logger
        queue.submit(events) { events in
            for event in events {
                logger.info(
                    "\(event.action)",
                    metadata: [
                        "sequence": "\(event.sequence)", "actor": "\(event.actor)", "target": "\(event.target)",
                        "outcome": "\(event.outcome)", "detail": "\(Self.shortened(event.detail))",
                    ])
            }
        }
    }

    public func flush() { queue.flush() }

    /// A challenge's hash cut to its first 12 hex digits: enough to match the audit trail.
    static func shortened(_ detail: String) -> String {
        detail.split(separator: " ", omittingEmptySubsequences: false).map { field in
            field.hasPrefix("challengeSHA256=") ? field.prefix("challengeSHA256=".count + 12) : field
        }.joined(separator: " ")
    }
}
