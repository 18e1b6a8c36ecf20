// unblockctl: the command-line client for card holders, help-desk operators and administrators.
import ArgumentParser
import Foundation
import UnblockSettings
import UnblockWire

@main
struct Unblockctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblockctl",
        abstract: "Unblock a smart card's PIN offline: log in, list your cards, answer the challenge Windows shows.",
        discussion: """
            The server is found through --socket or --host and --port, else UNBLOCK_SOCKET or \
            UNBLOCK_ADDRESS=HOST:PORT, else the file client.yaml (--config) in $XDG_CONFIG_HOME/unblock \
            (or ~/.config/unblock) or /etc/unblock, else the socket /run/unblockd/unblockd.sock.

            Exit codes: 0 success; 64 usage error, or cancelled at a prompt; 65 not logged in or \
            session expired; 66 permission denied; 67 not found, already exists, or not possible now (card state, \
            process disabled, challenge already answered, malformed challenge); 68 rate limited or \
            server busy; 69 server unreachable or unavailable; 70 other error; 78 a bad configuration \
            file or environment variable.
            """,
        version: UnblockVersion.current,
        subcommands: [
            LoginCommand.self, LogoutCommand.self, CardsCommand.self, UnblockCommand.self, AdminCommand.self,
            HealthCommand.self,
        ]
    )

    /// ArgumentParser's own main, except that with --json a usage error is JSON on standard output too.
    static func main() async {
        await Setting.start(
            program: "unblockctl", keys: ClientSettings.keys, variable: ClientSettings.fileVariable,
            defaultFiles: ClientSettings.defaultFiles)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            // An ExitCode was reported where it was thrown; --help and --version are not errors.
            if CommandLine.arguments.contains("--json") && !(error is ExitCode) && code != .success {
                printJSON(["error": ["exitCode": Int(code.rawValue), "message": message(for: error)]])
            }
            exit(withError: error)
        }
    }
}
