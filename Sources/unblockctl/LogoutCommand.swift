// `unblockctl logout`: end the session and forget it.
import ArgumentParser

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "End the session.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        // The session ends on the server that issued it, whatever the options say.
        guard let session = SessionFile.load() else {
            if connection.json { printJSON(["loggedOut": false]) } else { print("Not logged in.") }
            return
        }
        await SessionFile.end(session)
        if connection.json { printJSON(["loggedOut": true]) } else { print("Logged out.") }
    }
}
