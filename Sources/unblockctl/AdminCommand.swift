// `unblockctl admin`: enable or disable a process on a card profile (administrators).
import ArgumentParser
import UnblockWire

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administration (needs an administrator's login).",
        subcommands: [EnableProcessCommand.self, DisableProcessCommand.self])
}

/// The options of both process commands.
struct ProcessOptions: ParsableArguments {
    @Option(help: "The card profile, e.g. \"Employee Card\".")
    var profile: String

    @Option(help: "The card state: active, suspended, revoked or retired.")
    var state: String = "active"

    @Option(help: "The process: unblock-pin-offline (or CardsSelfServiceProcUnblockPINOffline).")
    var process: String = "unblock-pin-offline"

    func validate() throws {
        guard CardState.named(state) != nil else {
            throw ValidationError("--state takes active, suspended, revoked or retired")
        }
        guard CardProcess.named(process) != nil else {
            throw ValidationError("--process takes unblock-pin-offline")
        }
    }
}

struct EnableProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable-process", abstract: "Enable a process on a card profile for cards in a state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: ProcessOptions

    func run() async throws {
        let client = connection.client(session: SessionFile.load())
        let result = try await connection.run {
            try await client.enableProcess(
                profile: options.profile, cardState: CardState.named(options.state)!,
                process: CardProcess.named(options.process)!)
        }
        report(changed: result.changed, enabled: result.enabledProcesses, verb: "enabled", options, connection)
    }
}

struct DisableProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable-process", abstract: "Disable a process on a card profile for cards in a state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: ProcessOptions

    func run() async throws {
        let client = connection.client(session: SessionFile.load())
        let result = try await connection.run {
            try await client.disableProcess(
                profile: options.profile, cardState: CardState.named(options.state)!,
                process: CardProcess.named(options.process)!)
        }
        report(changed: result.changed, enabled: result.enabledProcesses, verb: "disabled", options, connection)
    }
}

private func report(
    changed: Bool,
    enabled: [CardProcess],
    verb: String,
    _ options: ProcessOptions,
    _ connection: ConnectionOptions
) {
    if connection.json {
        printJSON([
            "profile": options.profile, "state": options.state, "changed": changed,
            "enabledProcesses": enabled.map(\.name),
        ])
    } else {
        let already = changed ? "" : " (it already was)"
        print("\(options.process) is \(verb) for \(options.state) cards of \"\(options.profile)\"\(already).")
    }
}
