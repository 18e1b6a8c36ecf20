// `unblockd migrate`: the shared PostgreSQL store's schema brought to this unblockd's version.
import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import UnblockCrypto
import UnblockPostgres

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the PostgreSQL store's schema to this version (nodes also do it as they start).",
        discussion: """
            The migrations run in one transaction under an advisory lock: nodes starting together \
            migrate once, the others wait and find it done. With --master-key, the database also \
            records which master key its nodes share (a check value, not the key), and a node with \
            another is refused.
            """)

    @OptionGroup var postgres: PostgresOptions

    @Option(help: "The master key file every node shares, to record (first node) or check.")
    var masterKey: String?

    @OptionGroup var passphrase: MasterKeyPassphraseOptions

    func run() async throws {
        guard let settings = try postgres.settings() else {
            throw ValidationError("give --postgres-url (or postgres-url in the configuration file)")
        }
        var keys: MasterKeys?
        if let masterKey {
            let secret = try passphrase.passphrase(keyFile: masterKey)
            do {
                keys = try MasterKey.load(from: masterKey, passphrase: secret)
            } catch {
                throw failure("migrate", error.message)
            }
        }
        var logger = Logger(label: "unblockd")
        logger.logLevel = .warning
        let applied: [Int]
        do {
            let connection = try await settings.connect(logger: logger)
            defer { Task { try? await connection.close() } }
            applied = try await SchemaMigrations.apply(on: connection, logger: logger)
            if let keys { try await MasterKeyCheck.verify(keys.checkValue, on: connection, logger: logger) }
        } catch let error as SchemaError {
            throw failure("migrate", error.description)
        } catch {
            throw failure("migrate", "\(settings.description): \(PostgresFailure.describe(error))")
        }
        print(
            applied.isEmpty
                ? "\(settings.description): the schema is at version \(SchemaMigrations.latestVersion) already"
                : "\(settings.description): applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
