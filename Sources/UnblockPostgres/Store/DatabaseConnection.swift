// One connection to PostgreSQL, opened when first used and again after it fails.
import Logging
import PostgresNIO
import Synchronization
import UnblockStore

/// A connection a node keeps for one purpose (commits, following, lookups).
///
/// Not a pool: a pool waits for a connection as long as the database is down, where a call
/// must fail at once with UNAVAILABLE; here a failed connection is dropped, the next use
/// connects again (within the connect timeout), and every failure is a `StoreError`.
final class DatabaseConnection: Sendable {
    private let settings: PostgresSettings
    private let logger: Logger
    /// The open connection; `closed` once `close()` was called (nothing connects again).
    private let current = Mutex<(connection: PostgresConnection?, closed: Bool)>((nil, false))

    init(settings: PostgresSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs `body` on the connection (queries of several callers are pipelined on it).
    /// - Throws: `StoreError` `.unavailable` when the database cannot be reached or the
    ///   connection broke; other errors as `body` throws them.
    func use<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await open()
        do {
            return try await body(connection)
        } catch {
            guard connection.isClosed || Self.isConnectionFailure(error) else { throw error }
            drop(connection)
            throw StoreError(code: .unavailable, message: "PostgreSQL: \(PostgresFailure.describe(error))")
        }
    }

    func close() async {
        let connection = current.withLock { current in
            defer { current = (nil, true) }
            return current.connection
        }
        try? await connection?.close()
    }

    private func open() async throws -> PostgresConnection {
        let (existing, closed) = current.withLock { $0 }
        guard !closed else { throw StoreError(code: .unavailable, message: "the store is closed") }
        if let existing, !existing.isClosed { return existing }
        let connection: PostgresConnection
        do {
            connection = try await settings.connect(logger: logger)
        } catch {
            throw StoreError(code: .unavailable, message: "PostgreSQL: \(PostgresFailure.describe(error))")
        }
        let (replaced, accepted) = current.withLock { current in
            guard !current.closed else { return (nil as PostgresConnection?, false) }
            defer { current.connection = connection }
            return (current.connection, true)
        }
        if let replaced { Task { try? await replaced.close() } }
        guard accepted else {
            try? await connection.close()
            throw StoreError(code: .unavailable, message: "the store is closed")
        }
        return connection
    }

    private func drop(_ connection: PostgresConnection) {
        current.withLock { current in
            if current.connection === connection { current.connection = nil }
        }
        Task { try? await connection.close() }
    }

    /// Whether `error` says the connection is gone (rather than that a statement failed).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            // Class 08 (connection exception) and 57P (the server shutting down or restarting).
            if let state = error.serverInfo?[.sqlState], state.hasPrefix("08") || state.hasPrefix("57P") {
                return true
            }
            return [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown].contains(
                error.code)
        }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError, error.rollbackError]
                .compactMap { $0 }.contains(where: isConnectionFailure)
        }
        return false
    }
}
