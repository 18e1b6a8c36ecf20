// unblockctl: the command-line client for card holders, help-desk operators and administrators.
import ArgumentParser

@main
struct Unblockctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblockctl",
        abstract: "Unblock a smart card's PIN offline: log in, list your cards, answer the challenge Windows shows.",
        discussion: """
            Exit codes: 0 success; 64 usage error; 65 not logged in or session expired; \
            66 permission denied; 67 not found or not possible now (card state, process disabled, \
            challenge already answered); 68 rate limited or server busy; 69 server unreachable or \
            unavailable; 70 other error.
            """,
        subcommands: [
            LoginCommand.self, LogoutCommand.self, CardsCommand.self, UnblockCommand.self, AdminCommand.self,
            HealthCommand.self,
        ]
    )
}
