// Sessions several nodes share: kept in the store they share, and in memory here as they are used.
import Synchronization
import UnblockCore
import UnblockCrypto

/// The sessions of all nodes (`SessionRecords`, a table of token hashes), with this node's
/// own `SessionStore` in front as a cache: a session made on another node is read from the
/// table on its first call here, and one ended on another node leaves the cache when that
/// node announces it. Uses are written back once a second, so that a session in use on one
/// node does not idle out on another.
package final class SharedSessionTable: SessionTable {
    private let cache: SessionStore
    private let records: any SessionRecords
    /// Last uses not yet written back, and whether a write is scheduled.
    private let touched = Mutex<(uses: [SHA256Hash: Timestamp], scheduled: Bool)>(([:], false))

    package init(cache: SessionStore, records: any SessionRecords) {
        self.cache = cache
        self.records = records
        records.onEnded { [cache] ended in
            switch ended {
            case .session(let hash): cache.remove(key: hash)
            case .account(let account): cache.removeSessions(of: account)
            case .unknown: cache.removeAll()
            }
        }
    }

    package var idleTimeout: Duration { cache.idleTimeout }
    package var maximum: Int { cache.maximum }
    package var isShared: Bool { true }

    package func create(for account: Account, now: Timestamp, enrollmentOnly: Bool) async throws -> (
        token: String, session: Session, evicted: Int
    ) {
        let made = try cache.make(for: account, now: now, enrollmentOnly: enrollmentOnly)
        // The sessions that made room here end on every node too.
        for hash in made.ended { try? await records.remove(hash) }
        do {
            try await records.insert(
                SessionRecord(
                    tokenHash: SHA256Hash(digesting: made.token.utf8), accountID: account.id,
                    username: account.username, expiresAt: made.session.expiresAt, lastUsed: now,
                    enrollmentOnly: enrollmentOnly),
                keepingPerAccount: cache.maximumPerAccount)
        } catch {
            cache.remove(token: made.token)
            throw error
        }
        return (made.token, made.session, made.evicted)
    }

    package func session(for token: String, now: Timestamp) -> Session? {
        guard let session = cache.session(for: token, now: now) else { return nil }
        touch(SHA256Hash(digesting: token.utf8), now)
        return session
    }

    package func load(token: String, now: Timestamp) async throws -> Session? {
        if let session = session(for: token, now: now) { return session }
        guard !token.isEmpty else { return nil }
        let hash = SHA256Hash(digesting: token.utf8)
        guard let record = try await records.session(hash) else { return nil }
        let session = Session(
            accountID: record.accountID, username: record.username, expiresAt: record.expiresAt,
            lastUsed: record.lastUsed, enrollmentOnly: record.enrollmentOnly)
        cache.insert(session, key: hash, now: now)
        return self.session(for: token, now: now)
    }

    package func end(token: String) async {
        cache.remove(token: token)
        try? await records.remove(SHA256Hash(digesting: token.utf8))
    }

    package func endSessions(of account: AccountID) async {
        cache.removeSessions(of: account)
        try? await records.removeSessions(of: account)
    }

    /// Notes a use, written back within a second.
    private func touch(_ hash: SHA256Hash, _ now: Timestamp) {
        let schedule = touched.withLock { touched in
            touched.uses[hash] = now
            defer { touched.scheduled = true }
            return !touched.scheduled
        }
        guard schedule else { return }
        Task { [self] in
            try? await Task.sleep(for: .seconds(1))
            let uses = touched.withLock { touched in
                defer { touched = ([:], false) }
                return touched.uses
            }
            try? await records.touch(uses)
        }
    }
}
