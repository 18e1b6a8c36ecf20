// The sessions of every node, in the `sessions` table: a hash of each token, never the token.
import PostgresNIO
import UnblockCore
import UnblockStore

extension PostgresStore: SessionRecords {
    public func insert(_ session: SessionRecord, keepingPerAccount: Int) async throws {
        let account = Int64(session.accountID.rawValue)
        try await lookupConnection.use { connection in
            try await connection.query(
                """
                INSERT INTO sessions (token_hash, account_id, username, expires_ms, last_used_ms, enrollment_only)
                VALUES (\(ByteBuffer(bytes: session.tokenHash.bytes)), \(account), \(session.username),
                  \(session.expiresAt.milliseconds), \(session.lastUsed.milliseconds), \(session.enrollmentOnly))
                """, logger: logger)
            // The account's least recently used sessions beyond its limit end on every node.
            var ended: [ByteBuffer] = []
            for try await hash in try await connection.query(
                """
                DELETE FROM sessions WHERE token_hash IN (
                  SELECT token_hash FROM sessions WHERE account_id = \(account)
                  ORDER BY last_used_ms DESC OFFSET \(keepingPerAccount))
                RETURNING token_hash
                """, logger: logger
            ).decode(ByteBuffer.self) {
                ended.append(hash)
            }
            for hash in ended { try await announce("s:" + Self.hex(hash), on: connection) }
        }
    }

    public func session(_ tokenHash: SHA256Hash) async throws -> SessionRecord? {
        try await lookupConnection.use { connection in
            var found: SessionRecord?
            for try await (account, username, expires, lastUsed, enrollmentOnly) in try await connection.query(
                """
                SELECT account_id, username, expires_ms, last_used_ms, enrollment_only FROM sessions
                WHERE token_hash = \(ByteBuffer(bytes: tokenHash.bytes))
                """, logger: logger
            ).decode((Int64, String, Int64, Int64, Bool).self) {
                found = SessionRecord(
                    tokenHash: tokenHash, accountID: AccountID(UInt32(account)), username: username,
                    expiresAt: Timestamp(milliseconds: expires), lastUsed: Timestamp(milliseconds: lastUsed),
                    enrollmentOnly: enrollmentOnly)
            }
            return found
        }
    }

    public func touch(_ lastUses: [SHA256Hash: Timestamp]) async throws {
        guard !lastUses.isEmpty else { return }
        let hashes = lastUses.keys.map { ByteBuffer(bytes: $0.bytes) }
        let uses = lastUses.values.map(\.milliseconds)
        try await lookupConnection.use { connection in
            try await connection.query(
                """
                UPDATE sessions SET last_used_ms = greatest(last_used_ms, used.at)
                FROM unnest(\(hashes)::bytea[], \(uses)::bigint[]) AS used (hash, at)
                WHERE token_hash = used.hash
                """, logger: logger)
        }
    }

    public func remove(_ tokenHash: SHA256Hash) async throws {
        let hash = ByteBuffer(bytes: tokenHash.bytes)
        try await lookupConnection.use { connection in
            try await connection.query("DELETE FROM sessions WHERE token_hash = \(hash)", logger: logger)
            try await announce("s:" + Self.hex(hash), on: connection)
        }
    }

    public func removeSessions(of account: AccountID) async throws {
        try await lookupConnection.use { connection in
            try await connection.query(
                "DELETE FROM sessions WHERE account_id = \(Int64(account.rawValue))", logger: logger)
            try await announce("a:\(account.rawValue)", on: connection)
        }
    }

    public func onEnded(_ handler: @escaping @Sendable (EndedSessions) -> Void) {
        sessionHandlers.withLock { $0.append(handler) }
    }

    /// What a notification other than a commit's says, to the session handlers.
    func sessionsEnded(_ payload: String) {
        let ended: EndedSessions? =
            if payload.hasPrefix("s:") {
                Self.bytes(hex: payload.dropFirst(2)).flatMap(SHA256Hash.init).map { .session($0) }
            } else if payload.hasPrefix("a:") {
                UInt32(payload.dropFirst(2)).map { .account(AccountID($0)) }
            } else {
                nil
            }
        guard let ended else { return }
        sessionsEnded(ended)
    }

    func sessionsEnded(_ ended: EndedSessions) {
        for handler in sessionHandlers.withLock({ $0 }) { handler(ended) }
    }

    private func announce(_ payload: String, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(ChangeWriter.channel), \(payload))", logger: logger)
    }

    private static func hex(_ buffer: ByteBuffer) -> String {
        buffer.readableBytesView.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
