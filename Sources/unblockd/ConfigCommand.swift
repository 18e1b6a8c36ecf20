// `unblockd config check|show`: the configuration file checked, and the settings a start would use.
import ArgumentParser
import Foundation
import UnblockSettings

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration file, or show the settings a start would use.",
        subcommands: [Check.self, Show.self])

    static func isCheck(_ arguments: [String]) -> Bool {
        arguments.dropFirst().filter { !$0.hasPrefix("-") }.prefix(2) == ["config", "check"]
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the configuration file and the environment's settings: every key known, every value allowed.",
            discussion: "Exit 0 when a start would accept them, 78 with every problem listed otherwise.")

        @OptionGroup var file: ConfigFileOption

        func run() async throws {
            let path: String?
            do {
                path = try Settings.configurationFile(
                    arguments: CommandLine.arguments, variable: UnblockdSettings.fileVariable,
                    defaultFiles: [UnblockdSettings.defaultFile])
                _ = try await Settings.load(keys: UnblockdSettings.keys, file: path)
            } catch {
                Setting.report(error, program: "unblockd")
                throw ExitCode(Setting.exitStatus)
            }
            print(
                path.map { "\($0): ok" }
                    ?? "no configuration file (\(UnblockdSettings.defaultFile) does not exist); the environment's settings are ok"
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the settings a start would use, as a configuration file, each with where it comes from.",
            discussion: "Secrets are masked. Flags given to `unblockd serve` win over every value shown.")

        @OptionGroup var file: ConfigFileOption

        func run() {
            let settings = Setting.current
            print(
                "# unblockd serve's settings: its flags, then the environment, then \(settings.file ?? "no file"), "
                    + "then the defaults.")
            for line in settings.effectiveFile() { print(line) }
        }
    }
}
