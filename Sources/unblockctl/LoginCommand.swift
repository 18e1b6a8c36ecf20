// `unblockctl login`: log in with a password (prompted without echo, or from standard input).
import ArgumentParser
import Foundation
import UnblockClient
import UnblockTerminal

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log in and keep the session for the following commands.",
        discussion: "A session saved by an earlier login is ended first, on its server.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Your username.")
    var user: String

    @Flag(help: "Read the password from standard input (for scripts) instead of asking.")
    var passwordStdin = false

    @Option(
        help: """
            The code your authenticator app shows, when the server asks for one (asked for on a \
            terminal otherwise).
            """)
    var oneTimeCode: String?

    func run() async throws {
        let server = try connection.server()
        let password: String
        if passwordStdin {
            password = readLine(strippingNewline: true) ?? ""
        } else {
            guard Terminal.isInteractive else {
                throw connection.report(CLIError(.usage, "no terminal to ask for the password; use --password-stdin"))
            }
            guard let typed = Terminal.readSecret(prompt: "Password for \(user): ") else {
                throw connection.report(CLIError(.usage, "cancelled"))
            }
            password = typed
        }
        let client = try connection.client(server)
        let code = try await oneTimeCode(client, server)
        let session = try await connection.run(server, .login) {
            try await client.authenticate(username: user, password: password, oneTimeCode: code)
        }
        await client.close()
        let previous = SessionFile.load()
        if let previous { await SessionFile.end(previous) }
        try await connection.run(server, .login) {
            try SessionFile.save(
                SessionFile.Session(
                    server: server.name, username: user, token: session.sessionToken,
                    expiresAtUnixMs: session.expiresAtUnixMilliseconds, tls: server.tls))
        }
        let expires = Date(timeIntervalSince1970: Double(session.expiresAtUnixMilliseconds) / 1_000)
        let idle = Int(session.idleTimeoutSeconds)
        if connection.json {
            var object: [String: Any] = [
                "username": user, "displayName": session.user?.displayName ?? "",
                "expiresAt": ISO8601DateFormatter().string(from: expires), "idleTimeoutSeconds": idle,
            ]
            if let previous { object["endedPreviousSession"] = previous.username }
            printJSON(object)
        } else {
            if let previous { print("Ended the earlier session of \(previous.username).") }
            print(
                "Logged in as \(session.user?.displayName ?? user). The session ends after \(Wording.span(seconds: idle)) "
                    + "without use, and at the latest at \(Wording.dateTime(expires))."
            )
        }
    }

    /// The one-time code: given, or asked for on a terminal when the server's policy wants codes.
    private func oneTimeCode(_ client: UnblockClient, _ server: Server) async throws -> String {
        if let oneTimeCode { return oneTimeCode }
        let policy = try await connection.run(server, .login) { try await client.health().secondFactor }
        guard policy.asksForCodes, Terminal.isInteractive else { return "" }
        let hint = policy == .optional ? " (press Enter if you have none)" : ""
        return Terminal.readLine(prompt: "One-time code from your authenticator app\(hint): ") ?? ""
    }
}
