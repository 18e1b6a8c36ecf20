// Where login sessions live: in this process today (SessionStore); a table several nodes share later.
import UnblockCore

/// The login sessions the calls look up. The in-memory `SessionStore` is the one kept by a
/// single unblockd; a table shared by several nodes can take its place.
package protocol SessionTable: Sendable {
    /// Sessions end after this long without a call.
    var idleTimeout: Duration { get }
    /// The most sessions kept at once.
    var maximum: Int { get }

    /// A new session for `account` (for enrolling a second factor only, when `enrollmentOnly`);
    /// `evicted` counts the live sessions of other accounts that had to end for it (the table was full).
    func create(for account: Account, now: Timestamp, enrollmentOnly: Bool) throws -> (
        token: String, session: Session, evicted: Int
    )

    /// The live session of `token`, its use recorded; nil when there is none.
    func session(for token: String, now: Timestamp) -> Session?

    /// Ends the session of `token`; whether there was one.
    @discardableResult
    func remove(token: String) -> Bool

    /// Ends every session of `account` (its password changed, it was deactivated); how many there were.
    @discardableResult
    func removeSessions(of account: AccountID) -> Int
}

extension SessionStore: SessionTable {}
