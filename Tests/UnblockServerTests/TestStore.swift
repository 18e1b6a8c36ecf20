// Which store the server tests run on: UNBLOCK_TEST_STORE=postgres runs the same tests on PostgreSQL.
import Foundation
import Logging
import PostgresNIO
import Synchronization
import UnblockCore
import UnblockCrypto
import UnblockPostgres
import UnblockStore
import UnblockTesting

enum TestStore: String {
    case embedded, postgres

    /// The store of this run (Scripts/test runs the server's tests once with each).
    static let current =
        TestStore(rawValue: ProcessInfo.processInfo.environment["UNBLOCK_TEST_STORE"] ?? "") ?? .embedded

    /// One PostgreSQL for the whole run, started on first use and stopped when the process exits.
    nonisolated(unsafe) static let server: Result<PostgresProcess, any Error> = {
        let started = Result { try PostgresProcess() }
        if case .success = started { atexit { stopPostgres() } }
        return started
    }()

    /// A database of its own for one test server: `name` (the same again to restart on it).
    static func database(named name: String) async throws -> PostgresSettings {
        let process = try server.get()
        var settings = try PostgresSettings(url: process.url, password: process.password)
        let logger = Logger(label: "test-postgres")
        let connection = try await settings.connect(logger: logger)
        defer { Task { try? await connection.close() } }
        var exists = false
        for try await _ in try await connection.query(
            "SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
        {
            exists = true
        }
        if !exists {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        settings.database = name
        return settings
    }

    /// Opens the PostgreSQL store on database `name` with the master key in `dataDirectory`.
    static func openPostgres(name: String, dataDirectory: String) async throws -> PostgresStore {
        let settings = try await database(named: name)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let keyFile = dataDirectory + "/master.key"
        let keys =
            FileManager.default.fileExists(atPath: keyFile)
            ? try MasterKey.load(from: keyFile) : try MasterKey.create(at: keyFile)
        var configuration = PostgresStore.Configuration(settings: settings, masterKeys: keys)
        configuration.logger.logLevel = .critical
        // The tests load two cores to the full: a poll may wait longer than a second for a thread.
        configuration.freshness = .seconds(10)
        return try await PostgresStore.open(configuration: configuration)
    }
}

private func stopPostgres() {
    if case .success(let process) = TestStore.server { process.stop() }
}

extension DirectoryStore {
    /// The directory as the store holds it now (the database store's copy in memory).
    func withDirectory<Result>(_ body: (Directory) throws -> Result) rethrows -> Result {
        if let store = self as? EmbeddedStore { return try store.withDirectory(body) }
        return try (self as! PostgresStore).withDirectory(body)
    }

    /// The master keys the store seals with.
    var masterKeys: MasterKeys {
        (self as? EmbeddedStore)?.masterKeys ?? (self as! PostgresStore).masterKeys
    }
}
