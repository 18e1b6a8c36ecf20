// `unblockd master-key`: the master key file protected by a passphrase, or not; its sealing key rotated.
import ArgumentParser
import Foundation
import Logging
import UnblockCrypto
import UnblockStore
import UnblockTerminal

struct MasterKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master-key",
        abstract: "Protect the master key file with a passphrase, or rotate its sealing key.",
        discussion: """
            The master key file (DATA_DIR/master.key) holds a derivation key, from which derived card \
            keys come and which never changes, and a sealing key, under which admin keys and TOTP \
            secrets are sealed at rest. Protected, the file is useless without its passphrase, which \
            unblockd then reads at start from --master-key-passphrase-file, the systemd credential \
            \(MasterKeyPassphraseOptions.credential), or the terminal.
            """,
        subcommands: [Status.self, Protect.self, Unprotect.self, Rotate.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the master key file is protected.")

        @Option(help: "The data directory.")
        var dataDir: String

        func run() throws {
            let path = dataDir + "/master.key"
            do {
                print("\(path): \(try MasterKey.protection(of: path))")
            } catch {
                throw failure("master-key", error.message)
            }
        }
    }

    struct Protect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wrap the master key file under a passphrase (scrypt, AES-256-GCM); the keys stay the same.")

        @Option(help: "The data directory.")
        var dataDir: String

        @Option(help: "A file whose first line is the new passphrase (else it is asked twice on the terminal).")
        var newPassphraseFile: String?

        func run() throws {
            let path = dataDir + "/master.key"
            do {
                if case .passphrase = try MasterKey.protection(of: path) {
                    throw failure(
                        "master-key",
                        "\(path) is protected already; `unblockd master-key unprotect` first to change the passphrase")
                }
                let keys = try MasterKey.load(from: path)
                let passphrase = try newPassphrase()
                try MasterKey.replace(at: path, with: keys, passphrase: passphrase)
            } catch let error as CryptoError {
                throw failure("master-key", error.message)
            }
            print(
                "\(path) is protected now. Start unblockd with --master-key-passphrase-file FILE, the systemd credential "
                    + "\(MasterKeyPassphraseOptions.credential), or on a terminal; keep the passphrase apart from the backups."
            )
        }

        private func newPassphrase() throws -> SecretBytes {
            let passphrase: SecretBytes
            if let newPassphraseFile {
                passphrase = try MasterKeyPassphraseOptions.firstLine(
                    of: newPassphraseFile, named: "--new-passphrase-file \(newPassphraseFile)")
            } else {
                guard let first = Terminal.readSecret(prompt: "New passphrase: "),
                    let second = Terminal.readSecret(prompt: "The same again: ")
                else {
                    throw failure(
                        "master-key", "no terminal to ask for the passphrase: give --new-passphrase-file FILE")
                }
                guard first == second else {
                    throw failure("master-key", "the two passphrases differ; nothing was changed")
                }
                passphrase = SecretBytes(Array(first.utf8))
            }
            guard passphrase.count >= 12 else {
                throw failure("master-key", "the passphrase needs at least 12 characters")
            }
            return passphrase
        }
    }

    struct Unprotect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the master key file without a passphrase again.")

        @Option(help: "The data directory.")
        var dataDir: String

        @OptionGroup var passphrase: MasterKeyPassphraseOptions

        func run() throws {
            let path = dataDir + "/master.key"
            do {
                let keys = try MasterKey.load(from: path, passphrase: try passphrase.passphrase(dataDirectory: dataDir))
                try MasterKey.replace(at: path, with: keys, passphrase: nil)
            } catch let error as CryptoError {
                throw failure("master-key", error.message)
            }
            print("\(path) is no longer protected by a passphrase.")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A new sealing key: every sealed admin key and TOTP secret re-sealed under it (offline).",
            discussion: """
                Run it with the server stopped (it takes the data directory's lock). Derived card keys do \
                not change. Interrupted, it leaves every key openable; run it again to finish. Backups \
                taken before it open only with the master key file they were taken with.
                """)

        @Option(help: "The data directory.")
        var dataDir: String

        @OptionGroup var passphrase: MasterKeyPassphraseOptions

        func run() async throws {
            var configuration = EmbeddedStore.Configuration.defaults(dataDirectory: dataDir)
            configuration.masterKeyPassphrase = try passphrase.passphrase(dataDirectory: dataDir)
            configuration.logger.logLevel = .warning
            let rotation: SealingKeyRotation
            do {
                let store = try EmbeddedStore(configuration: configuration)
                rotation = try await store.rotateSealingKey(actor: "unblockd master-key rotate (uid \(getuid()))")
                try await store.close()
            } catch let error as StoreError {
                throw failure("master-key", error.message)
            }
            print(
                "Rotated the sealing key of \(dataDir)/master.key: \(rotation.adminKeys) admin keys and "
                    + "\(rotation.totpSecrets) TOTP secrets re-sealed; derived card keys unchanged.")
        }
    }
}
