// `unblockctl unblock`: the response to type on the PC for the challenge Windows shows.
import ArgumentParser
import UnblockClient
import UnblockCrypto
import UnblockTerminal
import UnblockWire

struct UnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock",
        abstract: "Get the response for a blocked card's challenge (Windows: \"Unblock smart card\").")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The card's serial (see `unblockctl cards`).")
    var card: String

    @Option(
        help: """
            The challenge Windows shows, e.g. "1603 EBDF 1C8A 2E72"; spaces, tabs, dashes and colons \
            are ignored (asked for when omitted).
            """)
    var challenge: String?

    func run() async throws {
        let server = try connection.server()
        let client = try connection.client(server, session: try connection.session(for: server))
        let challenge: String
        if let given = self.challenge {
            challenge = given
        } else {
            guard Terminal.isInteractive else {
                throw connection.report(CLIError(.usage, "no terminal to ask for the challenge; pass --challenge"))
            }
            // Whether this card can be unblocked at all, before anyone types 32 hex digits.
            try await connection.run(server, .unblock) { try await checkCanUnblock(client) }
            guard let typed = Terminal.readLine(prompt: "Challenge shown on the PC: ") else {
                throw connection.report(CLIError(.usage, "cancelled"))
            }
            challenge = typed
        }
        let answer = try await connection.run(server, .unblock) {
            try await client.unblockPinOffline(card: .serial(card), challenge: challenge)
        }
        if connection.json {
            printJSON([
                "card": answer.serial, "response": answer.response,
                "responseHex": HexFormat.plain(answer.responseBytes), "keyVersion": Int(answer.keyVersion),
            ])
            return
        }
        print(
            """

            Response for card \(answer.serial):

                \(answer.response)

            Type this response on the PC, then choose a new PIN and type it twice there.
            The new PIN never leaves the PC; this service does not see it.
            """)
    }

    /// Throws the reason the card cannot be unblocked now, as the server would give it.
    private func checkCanUnblock(_ client: UnblockClient) async throws {
        let cards = try await client.listCards().cards
        guard let found = cards.first(where: { $0.serial.uppercased() == card.uppercased() }) else {
            throw CLIError(
                .notPossible, "you have no card with serial \(card); `unblockctl cards` lists the cards you can use")
        }
        guard !found.possibleActions.contains(.unblockPinOffline) else { return }
        if found.state != .active {
            throw CLIError(
                .notPossible,
                "this card is \(found.state.name); only active cards can be unblocked, contact the help desk")
        }
        throw CLIError(
            .notPossible,
            "Unblock PIN offline is not enabled for cards of profile \"\(found.profile)\"; ask an administrator to enable it"
        )
    }
}
