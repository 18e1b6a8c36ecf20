// Every node must hold the same master keys: a check value in the database, set by the first node.
import Logging
import PostgresNIO

public enum MasterKeyCheck {
    /// Records `value` (a digest of the node's master keys, never the keys) at the first start,
    /// and on every later start compares it.
    /// - Throws: `SchemaError` naming the remedy when this node's master key differs.
    public static func verify(_ value: [UInt8], on connection: PostgresConnection, logger: Logger) async throws {
        let bytes = ByteBuffer(bytes: value)
        try await connection.query(
            "INSERT INTO unblock_meta (key, value) VALUES ('master_key_check', \(bytes)) ON CONFLICT (key) DO NOTHING",
            logger: logger)
        var stored: [UInt8]?
        for try await buffer in try await connection.query(
            "SELECT value FROM unblock_meta WHERE key = 'master_key_check'", logger: logger
        ).decode(ByteBuffer.self) {
            stored = Array(buffer.readableBytesView)
        }
        guard stored == value else {
            throw SchemaError(
                description: "this node's master key is not the one the database was set up with: every node needs "
                    + "the same master.key (copy it from the first node); the keys sealed in the database open only with it"
            )
        }
    }
}
