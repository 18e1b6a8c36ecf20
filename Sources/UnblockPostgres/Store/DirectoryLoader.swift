// Reads the whole directory from PostgreSQL into memory, consistent at one commit.
import Logging
import PostgresNIO
import UnblockCore
import UnblockStore

enum DirectoryLoader {
    /// The directory as of the database's last commit, and that commit's sequence: every
    /// table read in one REPEATABLE READ transaction.
    static func load(
        on connection: PostgresConnection, auditRetention: Int, logger: Logger
    ) async throws -> (Directory, UInt64) {
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        do {
            let loaded = try await read(connection, auditRetention: auditRetention, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            return loaded
        } catch {
            try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private static func read(
        _ connection: PostgresConnection, auditRetention: Int, logger: Logger
    ) async throws -> (Directory, UInt64) {
        var directory = Directory(auditRetention: auditRetention)
        var counters: (Int64, Int64, Int64, Int64) = (0, 1, 1, 1)
        for try await row in try await connection.query(
            "SELECT last_sequence, next_account_id, next_card_id, next_audit_sequence FROM unblock_state",
            logger: logger
        ).decode((Int64, Int64, Int64, Int64).self) {
            counters = row
        }
        for try await record in try await connection.query("SELECT record FROM profiles", logger: logger)
            .decode(ByteBuffer.self)
        {
            directory.apply(.profile(try RecordCoding.profile(Array(record.readableBytesView))))
        }
        for try await record in try await connection.query("SELECT record FROM accounts", logger: logger)
            .decode(ByteBuffer.self)
        {
            directory.insertNew(try RecordCoding.account(Array(record.readableBytesView)))
        }
        for try await record in try await connection.query("SELECT record FROM cards", logger: logger)
            .decode(ByteBuffer.self)
        {
            directory.insertNew(try RecordCoding.card(Array(record.readableBytesView)))
        }
        // The responses a card remembers (its replay history and its daily count).
        let horizon = (Timestamp.now - SmartCard.responseMemory).milliseconds
        for try await (card, hash, at, keyVersion) in try await connection.query(
            """
            SELECT card_id, challenge_hash, at_ms, key_version FROM issued_responses
            WHERE at_ms > \(horizon) ORDER BY at_ms
            """, logger: logger
        ).decode((Int64, ByteBuffer, Int64, Int64).self) {
            guard let hash = SHA256Hash(Array(hash.readableBytesView)) else { continue }
            directory.apply(
                .responseIssued(
                    CardID(UInt64(card)),
                    IssuedResponse(challengeHash: hash, at: Timestamp(milliseconds: at), keyVersion: UInt32(keyVersion))
                ))
        }
        // The newest events of each trail, oldest first.
        var events: [AuditEvent] = []
        for condition in ["action <> '\(AuditEvent.loginAction)'", "action = '\(AuditEvent.loginAction)'"] {
            for try await record in try await connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT record FROM audit_events WHERE \(condition) ORDER BY sequence DESC LIMIT \(auditRetention)"
                ), logger: logger
            ).decode(ByteBuffer.self) {
                events.append(try RecordCoding.auditEvent(Array(record.readableBytesView)))
            }
        }
        for event in events.sorted(by: { $0.sequence < $1.sequence }) { directory.apply(.audit(event)) }
        directory.restoreCounters(
            nextAccountID: UInt32(counters.1), nextCardID: UInt64(counters.2), nextAuditSequence: UInt64(counters.3))
        return (directory, UInt64(counters.0))
    }
}
