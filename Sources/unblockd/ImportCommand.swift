// `unblockd import`: loads a directory file into a data directory, all or nothing.
import ArgumentParser
import Foundation
import Logging
import UnblockCore
import UnblockCrypto
import UnblockPostgres
import UnblockStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import users, card profiles and cards from a directory file (JSON).",
        discussion: """
            Every entry is checked first (weak keys, unknown owners or profiles, duplicates, bad \
            states); any problem is reported with its JSON path and nothing is imported. The \
            server must not be running on the same data directory; with --store postgres, nodes may \
            be serving meanwhile (they follow the import as any commit), and the data directory holds \
            the master key every node shares. See Examples/demo-directory.json.
            """
    )

    @Option(name: .long, help: "The data directory (created if missing).")
    var dataDir: String = "./var"

    @Option(name: .customLong("store"), help: "embedded (the data directory) or postgres (--postgres-url).")
    var storeKind = StoreKind.embedded

    @OptionGroup(title: "The PostgreSQL store (--store postgres)")
    var postgres: PostgresOptions

    @OptionGroup var passphrase: MasterKeyPassphraseOptions

    @Option(name: .long, help: "PBKDF2 iterations for the passwords in the file.")
    var passwordIterations: Int = PasswordHasher.defaultIterations

    @Option(help: "What to do with entries the data directory has: fail (the default), skip them, or update them.")
    var existing: String = "fail"

    @Argument(help: "The directory file to import.")
    var file: String

    func validate() throws {
        guard ExistingEntryPolicy(rawValue: existing) != nil else {
            throw ValidationError("--existing takes fail, skip or update")
        }
    }

    func run() async throws {
        let data = try DirectoryFileInput.read(file)
        let (store, masterKeys, place) = try await open()
        do {
            let summary = try await store.importDirectory(
                data, existing: ExistingEntryPolicy(rawValue: existing)!, masterKeys: masterKeys,
                crypto: .inline(PasswordHasher(iterations: passwordIterations)))
            try await store.close()
            let existingEntries =
                existing == "fail" ? "" : "; \(summary.updated) updated, \(summary.skipped) left as they were"
            print(
                "imported \(summary.profiles) profiles, \(summary.users) users and \(summary.cards) cards into \(place)"
                    + existingEntries)
        } catch let error as ImportError {
            try await store.close()
            throw DirectoryFileInput.report(error, file: file)
        } catch {
            try await store.close()
            throw error
        }
    }

    /// The store to import into, its master keys, and how to name it.
    private func open() async throws -> (any DirectoryStore, MasterKeys, String) {
        let secret = try passphrase.passphrase(dataDirectory: dataDir)
        switch storeKind {
        case .embedded:
            var configuration = EmbeddedStore.Configuration(dataDirectory: dataDir)
            configuration.logger.logLevel = .warning
            configuration.masterKeyPassphrase = secret
            let store = try EmbeddedStore(configuration: configuration)
            return (store, store.masterKeys, dataDir)
        case .postgres:
            guard let settings = try postgres.settings() else {
                throw ValidationError("--store postgres needs --postgres-url")
            }
            do {
                let opened = try await PostgresStore.open(
                    settings: settings, dataDirectory: dataDir, passphrase: secret
                ) {
                    $0.logger.logLevel = .warning
                }
                return (opened.store, opened.masterKeys, settings.description)
            } catch let error as StoreError {
                throw failure("import", "\(settings.description): \(error.message)")
            }
        }
    }
}

/// Reading a directory file and reporting its problems, for `import` and `serve --import`.
enum DirectoryFileInput {
    /// The file's bytes; a file that cannot be read is reported in words and exits 66 (EX_NOINPUT).
    static func read(_ file: String) throws -> Data {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        var data: Data?
        var failure = errno
        if descriptor >= 0 {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            do {
                data = try handle.readToEnd() ?? Data()
            } catch {
                failure = EIO
                if case let posix as POSIXError = error { failure = posix.code.rawValue }
            }
        }
        guard let data else {
            let why = String(cString: strerror(failure)).lowercased()
            FileHandle.standardError.write(Data("unblockd: cannot read the directory file \(file): \(why)\n".utf8))
            throw ExitCode(66)
        }
        return data
    }

    /// Every problem of the file on standard error; exits 65 (EX_DATAERR).
    static func report(_ error: ImportError, file: String) -> ExitCode {
        FileHandle.standardError.write(Data("unblockd: \(file): \(error)\n".utf8))
        return ExitCode(65)
    }
}
