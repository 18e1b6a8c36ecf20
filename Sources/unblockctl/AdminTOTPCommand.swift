// `unblockctl admin user totp`: give a user a TOTP secret for their authenticator app, or take it away.
import ArgumentParser
import Foundation
import UnblockQRCode
import UnblockWire

struct TOTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totp",
        abstract: "A user's second factor: enrol an authenticator app, or remove it (administrators).",
        subcommands: [EnrollTOTPCommand.self, RemoveTOTPCommand.self])
}

struct EnrollTOTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Give a user a new TOTP secret (replacing any other) and print it once, as an otpauth:// URI.",
        discussion: """
            The user adds the URI to their authenticator app (as a QR code, or by pasting it). It is \
            shown only now: the server keeps it sealed and never sends it again.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The user's login name.")
    var username: String

    func run() async throws {
        let result = try await connection.withAdminClient { try await $0.enrollTOTP(username: username) }
        if connection.json { return printJSON(["uri": result.uri, "user": result.user.jsonObject]) }
        print("Scan this with \(username)'s authenticator app, or paste the URI below into it (shown only now):")
        if let code = QRCode(result.uri) { print(code.terminalText) }
        print(result.uri)
    }
}

struct RemoveTOTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Take a user's TOTP secret away (a lost phone).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The user's login name.")
    var username: String

    func run() async throws {
        let result = try await connection.withAdminClient { try await $0.removeTOTP(username: username) }
        if connection.json { return printJSON(["changed": result.changed, "user": result.user.jsonObject]) }
        print(
            result.changed
                ? "\(username) has no second factor now: enrol a new one with `unblockctl admin user totp enroll \(username)`."
                : "\(username) had no second factor; nothing changed.")
    }
}
