// The schema in versioned migrations, applied at start under an advisory lock: nodes starting together migrate once.
import Logging
import PostgresNIO

/// One step of the schema, applied once per database, in order, in one transaction.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

public enum SchemaMigrations {
    static let all: [Migration] = [InitialSchema.migration]
    /// The advisory lock every node takes to migrate ("unblock" in ASCII).
    static let lockKey: Int64 = 0x75_6E62_6C6F_636B

    /// The newest schema version this unblockd knows.
    public static var latestVersion: Int { all.map(\.version).max() ?? 0 }

    /// Applies, in one transaction under the advisory lock, every migration the database lacks;
    /// returns the versions applied (none when another node did it first).
    /// - Throws: `SchemaError` when the database's schema is newer than this unblockd knows.
    public static func apply(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS unblock_schema_migrations (
                  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query(
                "SELECT version FROM unblock_schema_migrations", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > latestVersion {
                throw SchemaError(
                    description: "the database's schema is at version \(newest), newer than this unblockd knows "
                        + "(\(latestVersion)): upgrade unblockd on this node")
            }
            var done: [Int] = []
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO unblock_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.info(
                    "schema migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                done.append(migration.version)
            }
            return done
        }
    }
}

public struct SchemaError: Error, CustomStringConvertible {
    public let description: String
}
