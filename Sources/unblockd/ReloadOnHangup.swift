// SIGHUP reloads the TLS certificate and key, as operators expect after renewing them.
import Logging
import ServiceLifecycle
import UnblockServer
import UnixSignals

/// Waits for SIGHUP and reloads the server's TLS files; a failed reload keeps the old ones.
struct ReloadOnHangup: Service {
    let server: UnblockServer
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try server.reloadTLS()
            } catch {
                logger.error("\(error)")
            }
        }
    }
}
