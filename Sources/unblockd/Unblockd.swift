// unblockd: the Unblock server. The executable only parses arguments and wires modules together.
import ArgumentParser
import UnblockWire

@main
struct Unblockd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblockd",
        abstract: "The Unblock server: offline smart-card PIN unblock by challenge and response.",
        discussion: """
            Data lives in one directory (--data-dir): the journal, snapshots, and the master key \
            that seals every admin key. Back up the whole directory; the master key is the one \
            file without which sealed keys cannot be opened.
            """,
        version: UnblockVersion.current,
        subcommands: [ServeCommand.self, ImportCommand.self, HashPasswordCommand.self, VerifyCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
