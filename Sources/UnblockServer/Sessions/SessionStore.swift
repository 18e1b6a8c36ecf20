// Login sessions in memory: looked up by the token's hash, with idle and absolute expiry, bounded in number.
import Metrics
import Synchronization
import UnblockCore
import UnblockCrypto

/// A logged-in user's session.
package struct Session: Sendable {
    let accountID: AccountID
    let username: String
    let expiresAt: Timestamp
    var lastUsed: Timestamp
    /// The password was right but a second factor is required and none is enrolled: the
    /// session may only enrol one.
    var enrollmentOnly = false
}

/// The live sessions. Tokens are never stored: only their SHA-256, so a memory dump yields
/// no usable token and a lookup compares hashes, not secrets. Sessions do not survive a
/// restart (users log in again).
///
/// Bounded twice: in all (`maximum`), and per account (`maximumPerAccount`), so that one
/// account logging in again and again ends its own oldest sessions, not everyone else's.
package final class SessionStore: Sendable {
    /// The sessions by token hash, and each account's token hashes (a few each).
    private struct Table {
        var sessions: [SHA256Hash: Session] = [:]
        var byAccount: [AccountID: [SHA256Hash]] = [:]

        mutating func insert(_ session: Session, key: SHA256Hash) {
            sessions[key] = session
            byAccount[session.accountID, default: []].append(key)
        }

        /// Whether there was a session for `key`.
        @discardableResult
        mutating func remove(_ key: SHA256Hash) -> Bool {
            guard let session = sessions.removeValue(forKey: key) else { return false }
            byAccount[session.accountID]?.removeAll { $0 == key }
            if byAccount[session.accountID]?.isEmpty == true { byAccount[session.accountID] = nil }
            return true
        }
    }

    private let table = Mutex(Table())
    package let idleTimeout: Duration
    let absoluteTimeout: Duration
    package let maximum: Int
    package let maximumPerAccount: Int
    /// Places freed at once when the table is full: 1/64 of it (at least one).
    let evictionBatch: Int

    /// Milliseconds of use that may go unrecorded: 1/64 of the idle timeout, at most one
    /// second, so that a session in use never looks idle.
    private let touchGranularity: Int64
    private let idleMilliseconds: Int64
    /// Set to the number of sessions whenever it changes (metrics).
    private let counter: Meter?

    package init(
        idleTimeout: Duration, absoluteTimeout: Duration, maximum: Int, maximumPerAccount: Int,
        counter: Meter? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maximum = maximum
        self.maximumPerAccount = maximumPerAccount
        self.evictionBatch = max(1, maximum / 64)
        self.counter = counter
        self.idleMilliseconds = idleTimeout.wholeMilliseconds
        self.touchGranularity = min(1_000, idleMilliseconds / 64)
    }

    /// A new session for `account`. An account at its own limit loses its least recently used
    /// session. When the whole table is full, expired sessions go first, then the least
    /// recently used; `evicted` counts the live sessions of other accounts that had to go.
    package func create(for account: Account, now: Timestamp, enrollmentOnly: Bool) throws -> (
        token: String, session: Session, evicted: Int
    ) {
        let made = try make(for: account, now: now, enrollmentOnly: enrollmentOnly)
        return (made.token, made.session, made.evicted)
    }

    /// Like `create`; `ended` also names every session that went to make room (a shared
    /// table ends them on every node).
    package func make(for account: Account, now: Timestamp, enrollmentOnly: Bool) throws -> (
        token: String, session: Session, evicted: Int, ended: [SHA256Hash]
    ) {
        let token = try SecureRandom.sessionToken()
        let session = Session(
            accountID: account.id, username: account.username, expiresAt: now + absoluteTimeout,
            lastUsed: now, enrollmentOnly: enrollmentOnly)
        let (evicted, ended) = table.withLock { table in
            var ended: [SHA256Hash] = []
            if let own = table.byAccount[account.id], own.count >= maximumPerAccount,
                let oldest = own.min(by: { lastUse(of: $0, in: table) < lastUse(of: $1, in: table) })
            {
                table.remove(oldest)
                ended.append(oldest)
            }
            let evicted = table.sessions.count >= maximum ? makeRoom(&table, now: now, ended: &ended) : 0
            table.insert(session, key: SHA256Hash(digesting: token.utf8))
            counter?.set(table.sessions.count)
            return (evicted, ended)
        }
        return (token, session, evicted, ended)
    }

    /// Frees `evictionBatch` places: the expired sessions go, then, if that is not enough, the
    /// least recently used. Freeing a batch rather than one place makes a full table cost a
    /// sweep once per batch of logins instead of on every login, under the mutex every call
    /// takes; the sweep removes entries in place (rebuilding the table would hash every key).
    private func makeRoom(_ table: inout Table, now: Timestamp, ended: inout [SHA256Hash]) -> Int {
        var expired: [SHA256Hash] = []
        var lastUses: [Int64] = []
        lastUses.reserveCapacity(table.sessions.count)
        for (key, session) in table.sessions {
            if isLive(session, now: now) { lastUses.append(session.lastUsed.milliseconds) } else { expired.append(key) }
        }
        for key in expired { table.remove(key) }
        ended += expired
        let excess = table.sessions.count - (maximum - evictionBatch)
        guard excess > 0 else { return 0 }
        // The excess-th oldest last use: every session used before it goes, then enough of its ties.
        lastUses.sort()
        let threshold = lastUses[excess - 1]
        var ties = excess - lastUses.prefix(excess).lazy.filter { $0 < threshold }.count
        var leastRecentlyUsed: [SHA256Hash] = []
        leastRecentlyUsed.reserveCapacity(excess)
        for (key, session) in table.sessions where session.lastUsed.milliseconds <= threshold {
            if session.lastUsed.milliseconds == threshold {
                guard ties > 0 else { continue }
                ties -= 1
            }
            leastRecentlyUsed.append(key)
        }
        for key in leastRecentlyUsed { table.remove(key) }
        ended += leastRecentlyUsed
        return excess
    }

    /// Holds `session`, made elsewhere (another node), under its token's hash; ignored when expired.
    package func insert(_ session: Session, key: SHA256Hash, now: Timestamp) {
        guard isLive(session, now: now) else { return }
        table.withLock { table in
            guard table.sessions[key] == nil else { return }
            if let own = table.byAccount[session.accountID], own.count >= maximumPerAccount,
                let oldest = own.min(by: { lastUse(of: $0, in: table) < lastUse(of: $1, in: table) })
            {
                table.remove(oldest)
            }
            var ended: [SHA256Hash] = []
            if table.sessions.count >= maximum { _ = makeRoom(&table, now: now, ended: &ended) }
            table.insert(session, key: key)
            counter?.set(table.sessions.count)
        }
    }

    /// Forgets the session under `key`.
    package func remove(key: SHA256Hash) {
        table.withLock { table in
            guard table.remove(key) else { return }
            counter?.set(table.sessions.count)
        }
    }

    /// Forgets every session.
    package func removeAll() {
        table.withLock { table in
            table = Table()
            counter?.set(0)
        }
    }

    /// The live session for `token`, touched; nil (and forgotten) when unknown or expired.
    package func session(for token: String, now: Timestamp) -> Session? {
        guard !token.isEmpty else { return nil }
        let key = SHA256Hash(digesting: token.utf8)
        return table.withLock { table in
            // One lookup; the session is touched in place, and only when its last use is
            // older than `touchGranularity` (the calls of one read share a millisecond).
            guard let index = table.sessions.index(forKey: key) else { return nil }
            var session = table.sessions.values[index]
            guard isLive(session, now: now) else {
                table.remove(key)
                counter?.set(table.sessions.count)
                return nil
            }
            if now.milliseconds - session.lastUsed.milliseconds >= touchGranularity {
                table.sessions.values[index].lastUsed = now
            }
            session.lastUsed = now
            return session
        }
    }

    /// Ends the session for `token`; returns whether there was one.
    @discardableResult
    package func remove(token: String) -> Bool {
        let key = SHA256Hash(digesting: token.utf8)
        return table.withLock { table in
            guard table.remove(key) else { return false }
            counter?.set(table.sessions.count)
            return true
        }
    }

    /// Ends every session of `account`; how many there were.
    @discardableResult
    package func removeSessions(of account: AccountID) -> Int {
        table.withLock { table in
            let keys = table.byAccount[account] ?? []
            for key in keys { _ = table.remove(key) }
            counter?.set(table.sessions.count)
            return keys.count
        }
    }

    var count: Int { table.withLock { $0.sessions.count } }

    private func lastUse(of key: SHA256Hash, in table: Table) -> Int64 {
        table.sessions[key]?.lastUsed.milliseconds ?? .min
    }

    private func isLive(_ session: Session, now: Timestamp) -> Bool {
        now < session.expiresAt && now.milliseconds < session.lastUsed.milliseconds + idleMilliseconds
    }
}
