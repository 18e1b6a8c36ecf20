// `unblockctl admin backup`: the server copies its data, consistent at one commit, while it serves.
import ArgumentParser
import Foundation

struct AdminBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the server's data into a directory on the server's host, while it serves (administrators).",
        discussion: """
            The server writes a snapshot of its data at one commit, the audit trail's files and a \
            manifest (sequence, time, each file's SHA-256) into the directory, which must be new or \
            empty and writable by the server's user. The master key stays out unless \
            --include-master-key: keep it apart from the backups. Restore with `unblockd restore`.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "An absolute path on the server's host: a new directory, or an empty one.")
    var to: String

    @Flag(help: "Copy the master key into the backup too (then the backup alone opens every sealed key).")
    var includeMasterKey = false

    @Option(help: "Seconds to wait for the backup to finish.")
    var timeout = 600

    func validate() throws {
        guard to.hasPrefix("/") else {
            throw ValidationError(
                "--to takes an absolute path on the server's host, such as /var/backups/unblock/monday")
        }
        guard (1...86_400).contains(timeout) else { throw ValidationError("--timeout takes 1 to 86400 seconds") }
    }

    func run() async throws {
        let result = try await connection.withAdminClient {
            try await $0.backup(to: to, includeMasterKey: includeMasterKey, timeout: .seconds(timeout))
        }
        if connection.json {
            return printJSON([
                "sequence": result.sequence, "files": Int(result.files), "bytes": result.bytes,
                "manifest": result.manifest, "includesMasterKey": includeMasterKey,
            ])
        }
        let size = ByteCountFormatter.string(fromByteCount: Int64(result.bytes), countStyle: .file)
        print(
            "Backed up to \(to): sequence \(result.sequence), \(result.files) files, \(size); manifest \(result.manifest)."
        )
        if !includeMasterKey {
            print(
                "The master key is not in it: restoring needs the server's master.key (unblockd restore --master-key).")
        }
    }
}
