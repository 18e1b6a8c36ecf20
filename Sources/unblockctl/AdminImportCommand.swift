// `unblockctl admin import`: a directory file applied on the running server, checked first, all or nothing.
import ArgumentParser
import Foundation
import UnblockWire

struct AdminImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a directory file into the running server (administrators).",
        discussion: """
            The file is the JSON of `unblockd import` (docs/DIRECTORY-FILE.md). Every problem is \
            reported by its JSON path and nothing is imported unless there is none.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The directory file.")
    var file: String

    @Option(help: "What to do with entries the server has: fail (the default), skip them, or update them.")
    var existing: String = "fail"

    func validate() throws {
        guard ["fail", "skip", "update"].contains(existing) else {
            throw ValidationError("--existing takes fail, skip or update")
        }
    }

    func run() async throws {
        guard let content = FileManager.default.contents(atPath: file) else {
            throw connection.report(CLIError(.usage, "cannot read \(file)"))
        }
        // The envelope and the session take about a kilobyte of a request frame.
        let room = WireLimits.defaultMaxRequestFrameBytes - 1_024
        guard content.count <= room else {
            throw connection.report(
                CLIError(
                    .usage,
                    "\(file) has \(content.count / 1_024) KiB, more than the \(room / 1_024) KiB a request carries: "
                        + "split it into several files, or stop the server and use `unblockd import`"))
        }
        let mode: ExistingEntries = existing == "skip" ? .skip : existing == "update" ? .update : .fail
        let summary = try await connection.withAdminClient {
            try await $0.importDirectory([UInt8](content), existing: mode)
        }
        if connection.json {
            return printJSON([
                "profilesAdded": summary.profilesAdded, "usersAdded": summary.usersAdded,
                "cardsAdded": summary.cardsAdded, "updated": summary.updated, "skipped": summary.skipped,
            ])
        }
        func count(_ number: UInt32, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        print(
            "Imported: \(count(summary.profilesAdded, "profile")), \(count(summary.usersAdded, "user")) and "
                + "\(count(summary.cardsAdded, "card")) added; \(summary.updated) updated, \(summary.skipped) left as they were."
        )
    }
}
