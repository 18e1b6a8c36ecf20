// SIGHUP reloads the TLS certificate and key, and reopens the audit log, as operators expect
// after renewing a certificate or rotating logs.
import Logging
import ServiceLifecycle
import UnblockServer
import UnblockStore
import UnixSignals

/// Waits for SIGHUP: reloads the server's TLS files (a failed reload keeps the old ones) and
/// reopens the audit log file (logrotate moved the old one).
struct ReloadOnHangup: Service {
    let server: UnblockServer
    let auditLog: AuditLogFile?
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try server.reloadTLS()
            } catch {
                logger.error("\(error)")
            }
            do {
                try auditLog?.reopen()
            } catch {
                logger.error("the audit log could not be reopened; it goes on in the old file: \(error)")
            }
        }
    }
}
