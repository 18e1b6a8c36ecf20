// `unblockctl admin card`: a card as the help desk sees it; suspend, revoke, reset its limit, give it to another user.
import ArgumentParser
import Foundation
import UnblockClient
import UnblockCrypto
import UnblockTerminal
import UnblockWire

struct AdminCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "Cards: show one, change its state, reset its response limit, transfer it.",
        subcommands: [
            ShowCardCommand.self, AddCardCommand.self, CardStateCommand.self, RotateKeyCommand.self,
            ResetLimitCommand.self, TransferCardCommand.self,
        ])
}

/// Where an admin key comes from on the command line: standard input or a prompt, never an argument.
struct KeySourceOptions: ParsableArguments {
    @Flag(help: "Read the key in hex from standard input (for scripts); without it, it is asked without echo.")
    var keyStdin = false

    @Flag(help: "Derive the key from the master key and the card's serial instead.")
    var derive = false

    func validate() throws {
        if keyStdin && derive { throw ValidationError("give either --key-stdin or --derive, not both") }
    }

    /// The key's source, reading the key's bytes when they are not derived.
    func source(_ connection: ConnectionOptions, serial: String) throws -> NewAdminKey.Source {
        if derive { return .derive }
        let hex: String
        if keyStdin {
            hex = readLine(strippingNewline: true) ?? ""
        } else {
            guard Terminal.isInteractive else {
                throw connection.report(CLIError(.usage, "no terminal to ask for the key; use --key-stdin or --derive"))
            }
            guard let typed = Terminal.readSecret(prompt: "Admin key of card \(serial), in hex: ") else {
                throw connection.report(CLIError(.usage, "cancelled"))
            }
            hex = typed
        }
        let digits = hex.filter { !" :-\t".contains($0) }
        guard let bytes = HexFormat.bytes(digits) else {
            throw connection.report(CLIError(.usage, "the key is not in hex; nothing was changed"))
        }
        return .keyBytes(bytes)
    }
}

/// `--algorithm` as typed.
func keyAlgorithm(named name: String) -> KeyAlgorithm? {
    KeyAlgorithm.allCases.first { $0 != .unspecified && $0.name == name.lowercased() }
}

struct AddCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a card with its admin key (administrators); prints the key check value to compare.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The card's serial (hex).")
    var serial: String

    @Option(help: "The owner's username.")
    var owner: String

    @Option(help: "The card profile.")
    var profile: String

    @Option(help: "3des, aes128, aes192 or aes256.")
    var algorithm: String

    @Option(help: "active or suspended.")
    var state: String = "active"

    @OptionGroup var key: KeySourceOptions

    func validate() throws {
        guard keyAlgorithm(named: algorithm) != nil else {
            throw ValidationError("--algorithm takes 3des, aes128, aes192 or aes256")
        }
        guard ["active", "suspended"].contains(state) else {
            throw ValidationError("--state takes active or suspended")
        }
    }

    func run() async throws {
        let request = RegisterCardRequest(
            serial: serial, owner: owner, profile: profile, state: CardState.named(state)!,
            key: NewAdminKey(
                algorithm: keyAlgorithm(named: algorithm)!, source: try key.source(connection, serial: serial)))
        let result = try await connection.withAdminClient { try await $0.registerCard(request) }
        let kcv = result.card.keyCheckValue.map { String(format: "%02X", $0) }.joined()
        result.print(
            json: connection.json, done: "card \(serial) is registered for \(owner); key check value \(kcv)")
    }
}

struct RotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Give a card a new admin key (administrators); its key version goes up by one.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The card's serial.")
    var serial: String

    @Option(help: "3des, aes128, aes192 or aes256; the card's algorithm when omitted.")
    var algorithm: String?

    @OptionGroup var key: KeySourceOptions

    func validate() throws {
        if let algorithm, keyAlgorithm(named: algorithm) == nil {
            throw ValidationError("--algorithm takes 3des, aes128, aes192 or aes256")
        }
    }

    func run() async throws {
        let newKey = NewAdminKey(
            algorithm: algorithm.flatMap(keyAlgorithm(named:)) ?? .unspecified,
            source: try key.source(connection, serial: serial))
        let result = try await connection.withAdminClient { try await $0.rotateCardKey(serial: serial, key: newKey) }
        let kcv = result.card.keyCheckValue.map { String(format: "%02X", $0) }.joined()
        result.print(
            json: connection.json,
            done: "card \(serial) has key version \(result.card.card.keyVersion); key check value \(kcv)")
    }
}

struct ShowCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a card: owner, profile, state, key, its limit and recent responses.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The card's serial.")
    var serial: String

    func run() async throws {
        let card = try await connection.withAdminClient { try await $0.getCard(serial: serial) }
        card.print(json: connection.json)
    }
}

struct CardStateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Suspend a card (help desk), or make it active or revoked (administrators; revoked is final).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The card's serial.")
    var serial: String

    @Argument(help: "active, suspended or revoked.")
    var state: String

    func validate() throws {
        guard let state = CardState.named(state), [.active, .suspended, .revoked].contains(state) else {
            throw ValidationError("the state is active, suspended or revoked")
        }
    }

    func run() async throws {
        let result = try await connection.withAdminClient {
            try await $0.setCardState(serial: serial, state: CardState.named(state)!)
        }
        result.print(
            json: connection.json, done: "card \(serial) is now \(state)",
            unchanged: "card \(serial) already was \(state)")
    }
}

struct ResetLimitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-limit",
        abstract: "Let a card have its full number of responses again now (its answered challenges stay refused).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The card's serial.")
    var serial: String

    func run() async throws {
        let result = try await connection.withAdminClient { try await $0.resetResponseLimit(serial: serial) }
        result.print(
            json: connection.json,
            done: "card \(serial) may have \(result.card.responseLimit) responses again from now",
            unchanged: "card \(serial) had no response counting toward its limit; nothing changed")
    }
}

struct TransferCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Give a card to another user (administrators).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The card's serial.")
    var serial: String

    @Option(help: "The new owner's username.")
    var owner: String

    func run() async throws {
        let result = try await connection.withAdminClient { try await $0.transferCard(serial: serial, owner: owner) }
        result.print(
            json: connection.json, done: "card \(serial) now belongs to \(owner)",
            unchanged: "card \(serial) already belonged to \(owner)")
    }
}

extension ConnectionOptions {
    /// Runs an administrative call with the saved session; errors reported as for any command.
    func withAdminClient<Result>(_ body: (UnblockClient) async throws -> Result) async throws -> Result {
        let server = try server()
        let client = try client(server, session: try session(for: server))
        return try await run(server, .administration) { try await body(client) }
    }
}

extension CardChangeResponse {
    /// `done` when the card changed, `unchanged` (or `done`) when it already was so.
    func print(json: Bool, done: String, unchanged: String? = nil) {
        if json { return printJSON(["changed": changed, "card": card.jsonObject]) }
        Swift.print((changed ? done : unchanged ?? done) + ".")
    }
}

extension CardDetails {
    /// The card for scripts: times in ISO 8601 (UTC).
    var jsonObject: [String: Any] {
        [
            "cardId": card.cardID, "serial": card.serial, "owner": card.owner, "profile": card.profile,
            "state": card.state.name, "keyAlgorithm": card.keyAlgorithm.name, "keyVersion": Int(card.keyVersion),
            "keyCheckValue": keyCheckValue.map { String(format: "%02X", $0) }.joined(),
            "possibleActions": card.possibleActions.map(\.name),
            "responsesInWindow": Int(responsesInWindow), "responseLimit": Int(responseLimit),
            "responseLimitReset": Wording.iso(milliseconds: responseLimitResetUnixMilliseconds) ?? NSNull(),
            "recentResponses": recentResponses.map { response in
                [
                    "at": Wording.iso(milliseconds: response.atUnixMilliseconds) ?? NSNull(),
                    "keyVersion": Int(response.keyVersion), "challengeHashPrefix": response.challengeHashPrefix,
                ] as [String: Any]
            },
        ]
    }

    func print(json: Bool) {
        if json { return printJSON(jsonObject) }
        let kcv = keyCheckValue.map { String(format: "%02X", $0) }.joined()
        let rows = [
            ("owner", card.owner),
            ("profile", card.profile),
            ("state", card.state.name),
            ("key", "\(card.keyAlgorithm.displayName), version \(card.keyVersion), check value \(kcv)"),
            ("actions", card.possibleActions.isEmpty ? "-" : card.possibleActions.map(\.name).joined(separator: ", ")),
            ("responses", "\(responsesInWindow) of \(responseLimit) counting toward the limit"),
        ]
        Swift.print("card \(card.serial) (\(card.cardID))")
        for (label, value) in rows {
            Swift.print("  " + label.padding(toLength: 11, withPad: " ", startingAt: 0) + value)
        }
        guard !recentResponses.isEmpty else { return Swift.print("  no responses remembered") }
        Swift.print("")
        Swift.print(
            Table.render(
                header: ["ISSUED", "KEY VERSION", "CHALLENGE SHA-256"],
                rows: recentResponses.map { response in
                    [
                        Wording.date(milliseconds: response.atUnixMilliseconds).map { Wording.dateTime($0) } ?? "-",
                        "\(response.keyVersion == 0 ? "-" : "\(response.keyVersion)")",
                        response.challengeHashPrefix + "…",
                    ]
                }))
    }
}
