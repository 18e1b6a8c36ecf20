// unblockd: the Unblock server. The executable only parses arguments and wires modules together.
import ArgumentParser
import UnblockSettings
import UnblockWire

@main
struct Unblockd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblockd",
        abstract: "The Unblock server: offline smart-card PIN unblock by challenge and response.",
        discussion: """
            Data lives in one directory (--data-dir): the journal, snapshots, and the master key \
            that seals every admin key. Settings come from flags, the environment and the \
            configuration file /etc/unblock/unblockd.yaml (or --config FILE), in that order.
            """,
        version: UnblockVersion.current,
        subcommands: [
            ServeCommand.self, ConfigCommand.self, ImportCommand.self, HashPasswordCommand.self, VerifyCommand.self,
            RestoreCommand.self, MasterKeyCommand.self, MigrateCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    /// Settings are loaded before the arguments are parsed: the options' defaults come from them.
    static func main() async {
        await Setting.start(
            program: "unblockd", keys: UnblockdSettings.keys, variable: UnblockdSettings.fileVariable,
            defaultFiles: [UnblockdSettings.defaultFile], stopOnProblem: !ConfigCommand.isCheck(CommandLine.arguments))
        await main(nil)
    }
}

/// `--config FILE`, read before the arguments are parsed; declared for the help and the parser.
struct ConfigFileOption: ParsableArguments {
    @Option(
        help: """
            The configuration file (YAML: one KEY: VALUE per option). Default: \
            \(UnblockdSettings.defaultFile) when it exists. [env: \(UnblockdSettings.fileVariable)]
            """)
    var config: String?
}
