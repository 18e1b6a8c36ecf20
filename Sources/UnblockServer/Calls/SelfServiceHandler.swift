// The service unblock.v1.SelfService: its methods registered, and the steps they share (the caller, the store).
import Logging
import NIOCore
import UnblockCore
import UnblockCrypto
import UnblockStore
import UnblockWire

/// The implementation of service `unblock.v1.SelfService`.
///
/// Stateless apart from the sessions: everything durable lives in the store, every
/// cryptographic operation runs on the crypto pool.
final class SelfServiceHandler: Sendable {
    let store: DirectoryStore
    let pool: CryptoPool
    let sessions: any SessionTable
    /// Password checks under way per account (the lockout counts them).
    let loginAttempts = LoginAttempts()
    /// Password checks under way per client and per username.
    let loginThrottle: LoginThrottle
    let configuration: ServerConfiguration
    /// The steps every call takes (decode, status, metrics, log).
    let executor: CallExecutor
    var logger: Logger { executor.logger }
    /// A hash of no one's password, verified for unknown, inactive and locked accounts so that
    /// they take as long to refuse as a wrong password.
    let decoyPasswordHash: String
    init(
        store: DirectoryStore,
        pool: CryptoPool,
        sessions: any SessionTable,
        configuration: ServerConfiguration,
        metrics: ServerMetrics?,
        logger: Logger,
        decoyPasswordHash: String
    ) {
        self.store = store
        self.pool = pool
        self.sessions = sessions
        self.configuration = configuration
        self.executor = CallExecutor(metrics: metrics, logger: logger, defaultTimeout: configuration.defaultTimeout)
        self.decoyPasswordHash = decoyPasswordHash
        self.loginThrottle = LoginThrottle(limits: configuration.logins)
    }

    /// The service's methods, each registered once with how it runs.
    func registerMethods(with table: inout MethodTable) {
        table.register(SelfService.Health.self, onEventLoop: health, executor: executor)
        table.register(SelfService.ListCards.self, onEventLoop: listCards, executor: executor)
        table.register(SelfService.Logout.self, onEventLoop: logout, executor: executor)
        table.register(SelfService.Authenticate.self, onTask: authenticate, executor: executor)
        table.register(SelfService.EnableProcess.self, onTask: enableProcess, executor: executor)
        table.register(SelfService.DisableProcess.self, onTask: disableProcess, executor: executor)
        table.registerBatched(SelfService.UnblockPinOffline.self)
    }

    /// Answers a method no service registered: UNIMPLEMENTED, before any session check.
    func answerUnknown(_ frame: RequestFrame, connection: ConnectionIdentity, into output: inout ByteBuffer) {
        let context = executor.makeContext(frame, connection: connection)
        let method = String(frame.method.prefix(200))
        executor.answer(
            context, started: .now, error: RPCError(.unimplemented, "unknown method \"\(method)\""), into: &output)
    }

    // MARK: Shared steps

    /// The caller's current account; UNAUTHENTICATED when there is no session or the account
    /// was deactivated since login (the session then ends).
    func authenticatedCaller(_ context: CallContext) throws -> Account {
        try withAuthenticatedCaller(context) { account, _ in account }
    }

    /// Runs `body` with the caller's current account and the directory, in one read of the
    /// store; UNAUTHENTICATED as for `authenticatedCaller`.
    func withAuthenticatedCaller<Result: Sendable>(
        _ context: CallContext,
        _ body: (Account, Directory) throws -> Result
    ) throws -> Result {
        guard let session = sessions.session(for: context.sessionToken, now: .now) else {
            throw RPCError.unauthenticated
        }
        let result: Result? = try store.read { directory in
            guard let account = directory.account(id: session.accountID), account.isActive else { return nil }
            return try body(account, directory)
        }
        guard let result else {
            sessions.remove(token: context.sessionToken)
            throw RPCError.unauthenticated
        }
        return result
    }

    func health(_ request: HealthRequest, _ context: CallContext) throws -> HealthResponse {
        let serving = store.isWritable && !executor.shuttingDown.load(ordering: .relaxed)
        return HealthResponse(status: serving ? .serving : .notServing, version: configuration.version)
    }
}
