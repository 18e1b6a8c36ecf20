// The service unblock.v1.SelfService: its methods, each registered once with how it runs.
import Logging
import Synchronization
import UnblockCore
import UnblockCrypto
import UnblockWire

/// The implementation of service `unblock.v1.SelfService`: use cases over the store, the
/// sessions and the crypto pool, which take decoded requests and a caller and know nothing
/// of frames or connections.
///
/// Stateless apart from the sessions and the logins under way: everything durable lives in
/// the store, every cryptographic operation runs on the crypto pool.
final class SelfServiceProvider: Sendable {
    let store: any DirectoryStore
    let sessions: any SessionTable
    /// Checks the password a login presents.
    let verifier: any CredentialVerifier
    /// Password checks under way per account (the lockout counts them).
    let loginAttempts = LoginAttempts()
    /// Password checks under way per client and per username.
    let loginThrottle: LoginThrottle
    /// The one-time code logins give besides the password, as the policy asks.
    let secondFactor: SecondFactorCheck
    let configuration: ServerConfiguration
    let logger: Logger
    /// Set at graceful shutdown (Health then says NOT_SERVING).
    private let shuttingDown: @Sendable () -> Bool

    init(
        store: any DirectoryStore,
        sessions: any SessionTable,
        verifier: any CredentialVerifier,
        secondFactor: SecondFactorCheck,
        configuration: ServerConfiguration,
        logger: Logger,
        shuttingDown: @escaping @Sendable () -> Bool
    ) {
        self.store = store
        self.sessions = sessions
        self.verifier = verifier
        self.secondFactor = secondFactor
        self.configuration = configuration
        self.logger = logger
        self.shuttingDown = shuttingDown
        self.loginThrottle = LoginThrottle(limits: configuration.logins)
    }

    /// The service's methods, each registered once with how it runs.
    func registerMethods(with table: inout MethodTable, unblock: UnblockPinOfflineBatch, pool: CryptoPool) {
        table.register(SelfService.Health.self, onEventLoop: health)
        table.register(SelfService.ListCards.self, reading: listCards)
        table.register(SelfService.Logout.self, authenticatedOnTask: logout)
        table.register(SelfService.Authenticate.self, onTask: authenticate)
        table.register(SelfService.EnableProcess.self, authenticatedOnTask: enableProcess)
        table.register(SelfService.DisableProcess.self, authenticatedOnTask: disableProcess)
        table.register(SelfService.BeginSecondFactorEnrollment.self, authenticatedOnTask: beginSecondFactorEnrollment)
        table.register(
            SelfService.ConfirmSecondFactorEnrollment.self, authenticatedOnTask: confirmSecondFactorEnrollment)
        table.register(batched: unblock, pool: pool)
    }

    func health(_ request: HealthRequest, _ context: CallContext) throws -> HealthResponse {
        let serving = store.isWritable && !shuttingDown()
        return HealthResponse(
            status: serving ? .serving : .notServing, version: configuration.version,
            secondFactor: configuration.secondFactor)
    }
}
