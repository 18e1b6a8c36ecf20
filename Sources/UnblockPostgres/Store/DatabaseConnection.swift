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
    private let eventLoop: (any EventLoop)?
    /// The connection, open or being opened (every caller meanwhile waits for that one);
    /// `closed` once `close()` was called (nothing connects again).
    private let current = Mutex<(connection: Task<PostgresConnection, any Error>?, closed: Bool)>((nil, false))

    /// Connects on `eventLoop` when given (the loop the store's own tasks run on).
    init(settings: PostgresSettings, logger: Logger, eventLoop: (any EventLoop)? = nil) {
        self.settings = settings
        self.logger = logger
        self.eventLoop = eventLoop
    }

    /// Runs `body` on the connection (queries of several callers are pipelined on it).
    /// - Throws: `StoreError` `.unavailable` when the database cannot be reached or the
    ///   connection broke; other errors as `body` throws them.
    func use<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let (connection, connecting) = try await open()
        do {
            return try await body(connection)
        } catch {
            guard connection.isClosed || Self.isConnectionFailure(error) else { throw error }
            forget(connecting)
            Task { try? await connection.close() }
            throw StoreError(code: .unavailable, message: "PostgreSQL: \(PostgresFailure.describe(error))")
        }
    }

    func close() async {
        let connecting = current.withLock { current in
            defer { current = (nil, true) }
            return current.connection
        }
        try? await connecting?.value.close()
    }

    private func open() async throws -> (PostgresConnection, Task<PostgresConnection, any Error>) {
        // A connection the database closed while it was idle (a restart) is replaced at once.
        if let (connection, connecting) = try await openOnce(), !connection.isClosed { return (connection, connecting) }
        guard let (connection, connecting) = try await openOnce(), !connection.isClosed else {
            throw StoreError(code: .unavailable, message: "PostgreSQL closed the connection")
        }
        return (connection, connecting)
    }

    /// The connection (nil, and forgotten, when it turned out closed).
    private func openOnce() async throws -> (PostgresConnection, Task<PostgresConnection, any Error>)? {
        let connecting = try current.withLock { (current) throws(StoreError) -> Task<PostgresConnection, any Error> in
            guard !current.closed else { throw StoreError(code: .unavailable, message: "the store is closed") }
            if let connecting = current.connection { return connecting }
            let (settings, logger, eventLoop) = (settings, logger, eventLoop)
            let connecting = Task {
                do {
                    return try await settings.connect(logger: logger, on: eventLoop)
                } catch {
                    throw StoreError(code: .unavailable, message: "PostgreSQL: \(PostgresFailure.describe(error))")
                }
            }
            current.connection = connecting
            return connecting
        }
        do {
            let connection = try await connecting.value
            guard !connection.isClosed else {
                forget(connecting)
                return nil
            }
            return (connection, connecting)
        } catch {
            forget(connecting)
            throw error
        }
    }

    /// Forgets `connecting` (a failed or broken connection), so that the next use connects again.
    private func forget(_ connecting: Task<PostgresConnection, any Error>) {
        current.withLock { current in
            if current.connection == connecting { current.connection = nil }
        }
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
