// READY=1 to systemd once every listener is bound, STOPPING=1 at a graceful shutdown (Type=notify).
import Logging
import ServiceLifecycle
import UnblockServer
import UnblockSystemd

/// Added to the service group only when systemd gave a socket (it runs until the shutdown).
struct SystemdNotification: Service {
    let server: UnblockServer
    let logger: Logger

    func run() async throws {
        let addresses = try await server.listeningAddresses()
        report(
            SystemdNotify.send("READY=1\nSTATUS=listening on \(addresses.map(\.description).joined(separator: ", "))"))
        try await gracefulShutdown()
        report(SystemdNotify.send("STOPPING=1"))
    }

    private func report(_ problem: String?) {
        if let problem { logger.warning("\(problem)") }
    }
}
