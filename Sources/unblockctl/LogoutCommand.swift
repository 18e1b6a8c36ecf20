// `unblockctl logout`: end the session and forget it.
import ArgumentParser

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "End the session.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let session = SessionFile.load() else {
            throw connection.report(CLIError(.notLoggedIn, "not logged in"))
        }
        SessionFile.remove()
        // The local session is gone either way; the server may already have ended it.
        _ = try? await connection.client(session: session).logout()
        if connection.json { printJSON(["loggedOut": true]) } else { print("Logged out.") }
    }
}
