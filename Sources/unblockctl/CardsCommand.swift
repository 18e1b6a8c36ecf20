// `unblockctl cards`: your cards, or (help desk, administrators) another user's, with what you can do on each.
import ArgumentParser
import UnblockWire

struct CardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cards", abstract: "List cards and their possible actions.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Another user's cards (help desk and administrators).")
    var user: String?

    func run() async throws {
        let server = try connection.server()
        let client = try connection.client(server, session: try connection.session(for: server))
        let cards = try await connection.run(server, .cards) { try await client.listCards(username: user ?? "").cards }
        if connection.json {
            printJSON([
                "cards": cards.map { card in
                    [
                        "cardId": card.cardID, "serial": card.serial, "profile": card.profile, "state": card.state.name,
                        "keyAlgorithm": card.keyAlgorithm.name, "keyVersion": Int(card.keyVersion), "owner": card.owner,
                        "possibleActions": card.possibleActions.map(\.name),
                    ] as [String: Any]
                }
            ])
            return
        }
        guard !cards.isEmpty else {
            print("No cards.")
            return
        }
        print(
            Table.render(
                header: ["SERIAL", "PROFILE", "STATE", "KEY", "POSSIBLE ACTIONS"],
                rows: cards.map { card in
                    [
                        card.serial, card.profile, card.state.name, card.keyAlgorithm.displayName,
                        card.possibleActions.isEmpty ? "-" : card.possibleActions.map(\.name).joined(separator: ", "),
                    ]
                }))
    }
}
