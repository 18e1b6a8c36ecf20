// `unblockctl health`: is the server up and serving?
import ArgumentParser

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check that the server is serving.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let server = try connection.server()
        let client = try connection.client(server)
        let health = try await connection.run(server, .health) { try await client.health(timeout: .seconds(5)) }
        let serving = health.status == .serving
        if connection.json {
            printJSON([
                "status": serving ? "serving" : "not-serving", "version": health.version,
                "server": "\(server.name)",
            ])
        } else {
            print("\(server.name): \(serving ? "serving" : "NOT serving") (unblockd \(health.version))")
        }
        if !serving { throw ExitCode(CLIError.Kind.unreachable.rawValue) }
    }
}
