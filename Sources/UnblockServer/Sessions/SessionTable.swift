// Where login sessions live: in this process (SessionStore), or shared by several nodes (SharedSessionTable).
import UnblockCore

/// The login sessions the calls look up.
package protocol SessionTable: Sendable {
    /// Sessions end after this long without a call.
    var idleTimeout: Duration { get }
    /// The most sessions kept at once (in this process).
    var maximum: Int { get }
    /// Whether other nodes make sessions too: one that `session(for:now:)` does not know may
    /// exist, and `load` finds it.
    var isShared: Bool { get }

    /// A new session for `account` (for enrolling a second factor only, when `enrollmentOnly`);
    /// `evicted` counts the live sessions of other accounts that had to end for it (the table was full).
    func create(for account: Account, now: Timestamp, enrollmentOnly: Bool) async throws -> (
        token: String, session: Session, evicted: Int
    )

    /// The live session of `token` this process holds, its use recorded; nil when there is none.
    func session(for token: String, now: Timestamp) -> Session?

    /// The live session of `token` wherever the nodes keep them, held here from then on.
    func load(token: String, now: Timestamp) async throws -> Session?

    /// Ends the session of `token`, on every node.
    func end(token: String) async

    /// Ends every session of `account` (its password changed, it was deactivated), on every node.
    func endSessions(of account: AccountID) async
}

extension SessionStore: SessionTable {
    package var isShared: Bool { false }

    package func load(token: String, now: Timestamp) async throws -> Session? { session(for: token, now: now) }

    package func end(token: String) async { remove(token: token) }

    package func endSessions(of account: AccountID) async { removeSessions(of: account) }
}
