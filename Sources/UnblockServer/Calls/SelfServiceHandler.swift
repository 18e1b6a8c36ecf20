// Dispatches each call to its method, and turns results and errors into response frames.
import Logging
import NIOCore
import Synchronization
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
    let sessions: SessionStore
    /// Password checks under way per account (the lockout counts them).
    let loginAttempts = LoginAttempts()
    /// Password checks under way per client and per username.
    let loginThrottle: LoginThrottle
    let configuration: ServerConfiguration
    let metrics: ServerMetrics?
    let logger: Logger
    /// Whether each call is logged (debug): checked per call without copying the logger.
    private let logsEachCall: Bool
    /// A hash of no one's password, verified for unknown, inactive and locked accounts so that
    /// they take as long to refuse as a wrong password.
    let decoyPasswordHash: String
    /// Set at graceful shutdown: new calls are answered UNAVAILABLE.
    let shuttingDown = Atomic(false)

    init(
        store: DirectoryStore,
        pool: CryptoPool,
        sessions: SessionStore,
        configuration: ServerConfiguration,
        metrics: ServerMetrics?,
        logger: Logger,
        decoyPasswordHash: String
    ) {
        self.store = store
        self.pool = pool
        self.sessions = sessions
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.logsEachCall = logger.logLevel <= .debug
        self.decoyPasswordHash = decoyPasswordHash
        self.loginThrottle = LoginThrottle(limits: configuration.logins)
    }

    /// The service's methods, each registered once with how it runs.
    func registerMethods(with table: inout MethodTable) {
        register(SelfService.Health.self, onEventLoop: health, with: &table)
        register(SelfService.ListCards.self, onEventLoop: listCards, with: &table)
        register(SelfService.Logout.self, onEventLoop: logout, with: &table)
        register(SelfService.Authenticate.self, onTask: authenticate, with: &table)
        register(SelfService.EnableProcess.self, onTask: enableProcess, with: &table)
        register(SelfService.DisableProcess.self, onTask: disableProcess, with: &table)
        table.registerBatched(SelfService.UnblockPinOffline.name)
    }

    /// Answers a method no service registered: UNIMPLEMENTED, before any session check.
    func answerUnknown(_ frame: RequestFrame, connection: ConnectionIdentity, into output: inout ByteBuffer) {
        let context = makeContext(frame, connection: connection)
        let method = String(frame.method.prefix(200))
        answer(context, started: .now, error: RPCError(.unimplemented, "unknown method \"\(method)\""), into: &output)
    }

    private func register<Method: RPCMethod>(
        _: Method.Type, onEventLoop body: @escaping @Sendable (Method.Request, CallContext) throws -> Method.Response,
        with table: inout MethodTable
    ) {
        table.register(Method.name) { [self] frame, connection, output in
            runNow(Method.self, frame, makeContext(frame, connection: connection), body, into: &output)
        }
    }

    private func register<Method: RPCMethod>(
        _: Method.Type,
        onTask body: @escaping @Sendable (Method.Request, CallContext) async throws -> Method.Response,
        with table: inout MethodTable
    ) {
        table.register(Method.name) { [self] frame, connection in
            await run(Method.self, frame, makeContext(frame, connection: connection), body)
        }
    }

    func makeContext(_ frame: RequestFrame, connection: ConnectionIdentity) -> CallContext {
        let timeout = frame.timeoutMilliseconds.map { Duration.milliseconds(Int64($0)) } ?? configuration.defaultTimeout
        return CallContext(
            connection: connection, callID: frame.callID, method: frame.method,
            sessionToken: frame.sessionToken, deadline: .now + timeout
        )
    }

    private func run<Method: RPCMethod>(
        _: Method.Type,
        _ frame: RequestFrame,
        _ context: CallContext,
        _ body: (Method.Request, CallContext) async throws -> Method.Response
    ) async -> ByteBuffer {
        let started = ContinuousClock.now
        do {
            let request = try start(Method.self, frame, context)
            return finish(context, started: started, try await body(request, context))
        } catch {
            return answer(context, started: started, error: error)
        }
    }

    private func runNow<Method: RPCMethod>(
        _: Method.Type,
        _ frame: RequestFrame,
        _ context: CallContext,
        _ body: (Method.Request, CallContext) throws -> Method.Response,
        into output: inout ByteBuffer
    ) {
        let started = ContinuousClock.now
        do {
            let request = try start(Method.self, frame, context)
            finish(context, started: started, try body(request, context), into: &output)
        } catch {
            answer(context, started: started, error: error, into: &output)
        }
    }

    /// The checks every call passes first, then its request message.
    func start<Method: RPCMethod>(_: Method.Type, _ frame: RequestFrame, _ context: CallContext) throws
        -> Method.Request
    {
        if shuttingDown.load(ordering: .relaxed) && Method.self != SelfService.Health.self {
            throw RPCError(.unavailable, "the server is shutting down; retry against another instance or later")
        }
        try context.checkDeadline()
        return try Method.Request(buffer: frame.message)
    }

    private func finish(_ context: CallContext, started: ContinuousClock.Instant, _ response: some WireMessage)
        -> ByteBuffer
    {
        var buffer = ByteBuffer()
        finish(context, started: started, response, into: &buffer)
        return buffer
    }

    private func finish(
        _ context: CallContext, started: ContinuousClock.Instant, _ response: some WireMessage,
        into output: inout ByteBuffer
    ) {
        output.writeResponseFrame(callID: context.callID, response: response)
        callEnded(context, started: started, status: .ok)
    }

    func answer(_ context: CallContext, started: ContinuousClock.Instant, error: any Error) -> ByteBuffer {
        var buffer = ByteBuffer()
        answer(context, started: started, error: error, into: &buffer)
        return buffer
    }

    /// Appends the status frame that answers a failed call to `output`, and logs it.
    func answer(
        _ context: CallContext, started: ContinuousClock.Instant, error: any Error, into output: inout ByteBuffer
    ) {
        let status = RPCError.from(error)
        if status.code == .internal {
            metrics?.record(method: context.method, status: status.code, duration: .now - started)
            logger.error(
                "call failed",
                metadata: metadata(context, started: started, status: status.code)
                    .merging(["error": "\(error)"]) { $1 })
        } else {
            callEnded(context, started: started, status: status.code)
        }
        output.writeFrame(
            ResponseFrame(
                callID: context.callID, statusCode: status.code, statusMessage: status.message, reason: status.reason,
                retryAfterMilliseconds: status.retryAfterMilliseconds))
    }

    /// Counts and logs (at debug) one answered call.
    func callEnded(_ context: CallContext, started: ContinuousClock.Instant, status: StatusCode) {
        metrics?.record(method: context.method, status: status, duration: .now - started)
        guard logsEachCall else { return }
        logger.debug("call", metadata: metadata(context, started: started, status: status))
    }

    private func metadata(_ context: CallContext, started: ContinuousClock.Instant, status: StatusCode)
        -> Logger.Metadata
    {
        [
            "connection": "\(context.connection.id)", "call": "\(context.callID)", "method": "\(context.method)",
            "status": "\(status)", "duration": "\(ContinuousClock.now - started)",
        ]
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
        let serving = store.isWritable && !shuttingDown.load(ordering: .relaxed)
        return HealthResponse(status: serving ? .serving : .notServing, version: configuration.version)
    }
}
