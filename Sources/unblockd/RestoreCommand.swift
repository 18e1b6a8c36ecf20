// `unblockd restore`: a backup checked against its manifest and made into a new data directory.
import ArgumentParser
import Foundation
import UnblockStore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a backup (unblockctl admin backup) into a new data directory, offline.",
        discussion: """
            Every file is checked against the backup's manifest first (size and SHA-256): a damaged \
            or incomplete backup is refused and nothing is written. The new directory is then \
            verified as `unblockd verify` does, every sealed key opened with the master key. Start \
            a server on it with --data-dir. Exit 0 when it is sound, 1 otherwise.
            """)

    @Option(help: "The backup directory (the one holding manifest.json).")
    var from: String

    @Option(help: "The new data directory: it must not exist, or be empty.")
    var dataDir: String

    @Option(
        help: """
            The master key file of the data directory the backup was taken from, for a backup taken \
            without it (the default). Overrides a master key in the backup.
            """)
    var masterKey: String?

    @OptionGroup var passphrase: MasterKeyPassphraseOptions

    func run() throws {
        let manifest: BackupManifest
        do {
            manifest = try BackupRestore.restore(
                from: Self.absolute(from), to: Self.absolute(dataDir), masterKeyFile: masterKey)
        } catch {
            throw failure("restore", error.message)
        }
        print(
            "restored the backup of \(manifest.createdAt) (sequence \(manifest.sequence), \(manifest.files.count) files, "
                + "checksums good) into \(dataDir)")
        try VerifyCommand.check(dataDir, command: "restore", masterKey: passphrase)
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
