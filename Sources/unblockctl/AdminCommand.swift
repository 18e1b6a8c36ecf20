// `unblockctl admin`: administration; here, enabling or disabling a process on a card profile (administrators).
import ArgumentParser
import UnblockWire

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administration (needs a help desk or administrator login).",
        subcommands: [
            AdminUserCommand.self, AdminCardCommand.self, AdminProfileCommand.self, AdminAuditCommand.self,
            AdminImportCommand.self, AdminBackupCommand.self,
            EnableProcessCommand.self, DisableProcessCommand.self,
        ])
}

/// The options of both process commands.
struct ProcessOptions: ParsableArguments {
    @Option(help: "The card profile, e.g. \"Employee Card\".")
    var profile: String

    @Option(help: "The card state the process runs in; unblock-pin-offline runs on active cards only.")
    var state: String = "active"

    @Option(help: "The process: unblock-pin-offline (or CardsSelfServiceProcUnblockPINOffline).")
    var process: String = "unblock-pin-offline"

    func validate() throws {
        guard let process = CardProcess.named(process) else {
            throw ValidationError("--process takes unblock-pin-offline")
        }
        guard let state = CardState.named(state) else {
            throw ValidationError("--state takes active, suspended, revoked or retired")
        }
        guard process.runsIn.contains(state) else {
            let states = process.runsIn.map(\.name).joined(separator: ", ")
            throw ValidationError(
                "\(self.process) runs on \(states) cards only: a card in another state cannot use it, so --state \(self.state) is not offered"
            )
        }
    }
}

extension CardProcess {
    /// The card states a process can be enabled for (the server's rule: the unblock needs an active card).
    var runsIn: [CardState] {
        switch self {
        case .unspecified, .unblockPinOffline: [.active]
        }
    }
}

struct EnableProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable-process", abstract: "Enable a process on a card profile for cards in a state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: ProcessOptions

    func run() async throws {
        try await options.set(enabled: true, connection)
    }
}

struct DisableProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable-process", abstract: "Disable a process on a card profile for cards in a state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: ProcessOptions

    func run() async throws {
        try await options.set(enabled: false, connection)
    }
}

extension ProcessOptions {
    /// Enables or disables the process, and reports what changed.
    func set(enabled: Bool, _ connection: ConnectionOptions) async throws {
        let server = try connection.server()
        let client = try connection.client(server, session: try connection.session(for: server))
        let state = CardState.named(state)!
        let process = CardProcess.named(process)!
        let (changed, processes) = try await connection.run(server, .administration) {
            if enabled {
                let result = try await client.enableProcess(profile: profile, cardState: state, process: process)
                return (result.changed, result.enabledProcesses)
            }
            let result = try await client.disableProcess(profile: profile, cardState: state, process: process)
            return (result.changed, result.enabledProcesses)
        }
        if connection.json {
            printJSON([
                "profile": profile, "state": self.state, "changed": changed,
                "enabledProcesses": processes.map(\.name),
            ])
        } else {
            let already = changed ? "" : " (it already was)"
            print(
                "\(self.process) is \(enabled ? "enabled" : "disabled") for \(self.state) cards of \"\(profile)\"\(already)."
            )
        }
    }
}
