// `unblockctl admin profile`: the card profiles and the processes each offers.
import ArgumentParser
import UnblockWire

struct AdminProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Card profiles: list them (help desk), add one (administrators).",
        subcommands: [ListProfilesCommand.self, AddProfileCommand.self])
}

struct ListProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the card profiles and the processes each offers, per card state.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let profiles = try await connection.withAdminClient { try await $0.listProfiles() }
        if connection.json { return printJSON(["profiles": profiles.map(\.jsonObject)]) }
        guard !profiles.isEmpty else { return print("No card profiles.") }
        print(
            Table.render(
                header: ["PROFILE", "ENABLED PROCESSES"],
                rows: profiles.map { profile in
                    [
                        profile.name,
                        profile.enabled.isEmpty
                            ? "none"
                            : profile.enabled.map { "\($0.process.name) (\($0.cardState.name) cards)" }
                                .joined(separator: ", "),
                    ]
                }))
    }
}

struct AddProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a card profile (administrators); it offers nothing until a process is enabled on it.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The profile's name, e.g. \"Employee Card\".")
    var name: String

    func run() async throws {
        let profile = try await connection.withAdminClient { try await $0.createProfile(name: name) }
        if connection.json { return printJSON(["changed": true, "profile": profile.jsonObject]) }
        print(
            "Card profile \"\(name)\" is added; it offers nothing until you run "
                + "`unblockctl admin enable-process --profile \"\(name)\"`.")
    }
}

extension ProfileDetails {
    var jsonObject: [String: Any] {
        [
            "name": name,
            "enabled": enabled.map { ["cardState": $0.cardState.name, "process": $0.process.name] },
        ]
    }
}
