// Login sessions in memory: looked up by the token's hash, with idle and absolute expiry, bounded in number.
import Synchronization
import UnblockCore
import UnblockCrypto

/// A logged-in user's session.
struct Session: Sendable {
    let accountID: AccountID
    let username: String
    let expiresAt: Timestamp
    var lastUsed: Timestamp
}

/// The live sessions. Tokens are never stored: only their SHA-256, so a memory dump yields
/// no usable token and a lookup compares hashes, not secrets. Sessions do not survive a
/// restart (users log in again).
final class SessionStore: Sendable {
    private let sessions = Mutex<[SHA256Hash: Session]>([:])
    let idleTimeout: Duration
    let absoluteTimeout: Duration
    let maximum: Int

    /// Milliseconds of use that may go unrecorded: 1/64 of the idle timeout, at most one
    /// second, so that a session in use never looks idle.
    private let touchGranularity: Int64
    private let idleMilliseconds: Int64

    init(idleTimeout: Duration, absoluteTimeout: Duration, maximum: Int) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maximum = maximum
        self.idleMilliseconds = idleTimeout.wholeMilliseconds
        self.touchGranularity = min(1_000, idleMilliseconds / 64)
    }

    /// A new session for `account`; when full, expired sessions go first, then the least recently used.
    func create(for account: Account, now: Timestamp) throws -> (token: String, session: Session) {
        let token = try SecureRandom.sessionToken()
        let session = Session(
            accountID: account.id, username: account.username, expiresAt: now + absoluteTimeout,
            lastUsed: now)
        sessions.withLock { sessions in
            if sessions.count >= maximum {
                sessions = sessions.filter { isLive($0.value, now: now) }
            }
            if sessions.count >= maximum, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                sessions[oldest.key] = nil
            }
            sessions[SHA256Hash(digesting: token.utf8)] = session
        }
        return (token, session)
    }

    /// The live session for `token`, touched; nil (and forgotten) when unknown or expired.
    func session(for token: String, now: Timestamp) -> Session? {
        guard !token.isEmpty else { return nil }
        let key = SHA256Hash(digesting: token.utf8)
        return sessions.withLock { sessions in
            // One lookup; the session is touched in place, and only when its last use is
            // older than `touchGranularity` (the calls of one read share a millisecond).
            guard let index = sessions.index(forKey: key) else { return nil }
            var session = sessions.values[index]
            guard isLive(session, now: now) else {
                sessions.remove(at: index)
                return nil
            }
            if now.milliseconds - session.lastUsed.milliseconds >= touchGranularity {
                sessions.values[index].lastUsed = now
            }
            session.lastUsed = now
            return session
        }
    }

    /// Ends the session for `token`; returns whether there was one.
    @discardableResult
    func remove(token: String) -> Bool {
        sessions.withLock { $0.removeValue(forKey: SHA256Hash(digesting: token.utf8)) != nil }
    }

    var count: Int { sessions.withLock { $0.count } }

    private func isLive(_ session: Session, now: Timestamp) -> Bool {
        now < session.expiresAt && now.milliseconds < session.lastUsed.milliseconds + idleMilliseconds
    }
}
