// `unblockctl unblock`: the response to type on the PC for the challenge Windows shows.
import ArgumentParser
import UnblockCrypto
import UnblockWire

struct UnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock",
        abstract: "Get the response for a blocked card's challenge (Windows: \"Unblock smart card\").")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The card's serial (see `unblockctl cards`).")
    var card: String

    @Option(help: "The challenge Windows shows, e.g. \"1603 EBDF 1C8A 2E72\" (asked for when omitted).")
    var challenge: String?

    func run() async throws {
        let challenge: String
        if let given = self.challenge {
            challenge = given
        } else if let typed = Terminal.readLine(prompt: "Challenge shown on the PC: ") {
            challenge = typed
        } else {
            throw connection.report(CLIError(.other, "no terminal to ask for the challenge; pass --challenge"))
        }
        let client = connection.client(session: SessionFile.load())
        let answer = try await connection.run {
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
}
