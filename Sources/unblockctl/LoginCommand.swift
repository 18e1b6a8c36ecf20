// `unblockctl login`: log in with a password (prompted without echo, or from standard input).
import ArgumentParser
import Foundation

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log in and keep the session for the following commands.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Your username.")
    var user: String

    @Flag(help: "Read the password from standard input (for scripts) instead of asking.")
    var passwordStdin = false

    func run() async throws {
        let password: String
        if passwordStdin {
            password = readLine(strippingNewline: true) ?? ""
        } else {
            guard let typed = Terminal.readSecret(prompt: "Password for \(user): ") else {
                throw connection.report(CLIError(.other, "no terminal to ask for the password; use --password-stdin"))
            }
            password = typed
        }
        let client = connection.client()
        let session = try await connection.run {
            try await client.authenticate(username: user, password: password)
        }
        try await connection.run {
            try SessionFile.save(
                SessionFile.Session(
                    server: "\(connection.target)", username: user, token: session.sessionToken,
                    expiresAtUnixMs: session.expiresAtUnixMilliseconds))
        }
        let expires = Date(timeIntervalSince1970: Double(session.expiresAtUnixMilliseconds) / 1_000)
        if connection.json {
            printJSON([
                "username": user, "displayName": session.user?.displayName ?? "",
                "expiresAt": ISO8601DateFormatter().string(from: expires),
            ])
        } else {
            print(
                "Logged in as \(session.user?.displayName ?? user). The session ends after 15 minutes idle, at the latest at \(expires.formatted(date: .omitted, time: .shortened))."
            )
        }
    }
}
