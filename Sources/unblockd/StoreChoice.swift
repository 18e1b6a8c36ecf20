// Which store `unblockd serve` runs on: the embedded one in the data directory, or PostgreSQL.
import ArgumentParser
import Foundation
import Logging
import Metrics
import UnblockCore
import UnblockCrypto
import UnblockPostgres
import UnblockServer
import UnblockStore

/// The stores `--store` names.
enum StoreKind: String, CaseIterable, ExpressibleByArgument {
    /// The journal and snapshots in the data directory: one node, no dependencies.
    case embedded
    /// A PostgreSQL database several nodes share (the data directory holds the master key only).
    case postgres
}

/// An open store, and what the server needs to know of it.
struct OpenedStore {
    let store: any DirectoryStore
    let masterKeys: MasterKeys
    /// The iterations most stored password hashes have (the cost of a decoy check).
    let passwordIterations: Int?
    /// Whether the store holds nothing yet (an import may fill it).
    let isEmpty: Bool
}

extension PostgresStore {
    /// Opens the shared store with the node's master key, `master.key` in `dataDirectory`:
    /// made there for a new database, refused when the database was set up with another.
    static func open(
        settings: PostgresSettings, dataDirectory: String, passphrase: SecretBytes?,
        configure: (inout Configuration) -> Void
    ) async throws -> OpenedStore {
        let keyFile = dataDirectory + "/master.key"
        let keys: MasterKeys
        do {
            if FileManager.default.fileExists(atPath: keyFile) {
                keys = try MasterKey.load(from: keyFile, passphrase: passphrase)
            } else {
                try FileManager.default.createDirectory(
                    atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                keys = try MasterKey.create(at: keyFile)
            }
        } catch let error as CryptoError {
            throw StoreError(code: .io, message: error.message)
        }
        var configuration = Configuration(settings: settings, masterKeys: keys)
        configure(&configuration)
        let store = try await PostgresStore.open(configuration: configuration)
        let (iterations, isEmpty) = try store.readNow { view in
            let directory = view as? Directory
            return (
                directory?.mostCommonPasswordIterations,
                directory.map { $0.accounts.isEmpty && $0.cards.isEmpty && $0.profiles.isEmpty } ?? false
            )
        }
        return OpenedStore(store: store, masterKeys: keys, passwordIterations: iterations, isEmpty: isEmpty)
    }
}

extension ServeCommand {
    /// The store `--store` names, open.
    func openStore(metrics: (any MetricsFactory)?, auditFile: AuditLogFile?) async throws -> OpenedStore {
        var observers: [any AuditObserver] = [SecurityEventLog(logger: Logger(label: "unblockd.security"))]
        if let auditFile { observers.append(auditFile) }
        let retention: Duration? = auditRetentionDays == 0 ? nil : .seconds(Int64(auditRetentionDays) * 86_400)
        let passphrase = try masterKey.passphrase(dataDirectory: dataDir)
        switch storeKind {
        case .embedded:
            var configuration = EmbeddedStore.Configuration.defaults(dataDirectory: dataDir)
            configuration.metrics = metrics
            configuration.fsync = fsync
            configuration.journalPreallocation = journalPreallocate << 20
            configuration.auditArchiveRetention = retention
            configuration.logger = Logger(label: "unblockd.store")
            configuration.masterKeyPassphrase = passphrase
            configuration.auditObservers = observers
            let store = try EmbeddedStore(configuration: configuration)
            return OpenedStore(
                store: store, masterKeys: store.masterKeys,
                passwordIterations: store.withDirectory(\.mostCommonPasswordIterations),
                isEmpty: store.withDirectory { $0.accounts.isEmpty && $0.cards.isEmpty && $0.profiles.isEmpty })
        case .postgres:
            guard let settings = try postgres.settings() else {
                throw ValidationError(
                    "--store postgres needs --postgres-url (or postgres-url in the configuration file)")
            }
            do {
                return try await PostgresStore.open(settings: settings, dataDirectory: dataDir, passphrase: passphrase)
                {
                    $0.auditArchiveRetention = retention
                    $0.auditObservers = observers
                    $0.logger = Logger(label: "unblockd.store")
                }
            } catch let error as StoreError {
                throw failure("serve", "\(settings.description): \(error.message)")
            }
        }
    }

    func importIfEmpty(_ file: String, into opened: OpenedStore, logger: Logger) async throws {
        guard opened.isEmpty else {
            logger.info("the store already holds a directory; --import ignored", metadata: ["file": "\(file)"])
            return
        }
        let data = try DirectoryFileInput.read(file)
        let summary: ImportSummary
        do {
            summary = try await opened.store.importDirectory(
                data, existing: .fail, masterKeys: opened.masterKeys,
                crypto: .inline(PasswordHasher(iterations: passwordIterations)), actor: "import", now: .now)
        } catch let error as ImportError {
            throw DirectoryFileInput.report(error, file: file)
        }
        logger.info(
            "imported",
            metadata: [
                "file": "\(file)", "profiles": "\(summary.profiles)", "users": "\(summary.users)",
                "cards": "\(summary.cards)",
            ])
    }
}
