// The steps every call takes, however it runs: deadline, decode, the handler, encode, status, metrics, log.
import Logging
import NIOCore
import Synchronization
import UnblockWire

/// Runs one call of any method through the same steps, so that a method's registration says
/// only what the method does and how it runs (`MethodTable`).
final class CallExecutor: Sendable {
    let metrics: ServerMetrics?
    let logger: Logger
    /// Whether each call is logged (debug): checked per call without copying the logger.
    private let logsEachCall: Bool
    private let defaultTimeout: Duration
    /// Set at graceful shutdown: new calls are answered UNAVAILABLE (Health excepted).
    let shuttingDown = Atomic(false)

    init(metrics: ServerMetrics?, logger: Logger, defaultTimeout: Duration) {
        self.metrics = metrics
        self.logger = logger
        self.logsEachCall = logger.logLevel <= .debug
        self.defaultTimeout = defaultTimeout
    }

    /// The call's envelope facts, its deadline counted from now (the server's default when none was sent).
    func makeContext(_ frame: RequestFrame, connection: ConnectionIdentity) -> CallContext {
        let timeout = frame.timeoutMilliseconds.map { Duration.milliseconds(Int64($0)) } ?? defaultTimeout
        return CallContext(
            connection: connection, callID: frame.callID, method: frame.method,
            sessionToken: frame.sessionToken, deadline: .now + timeout
        )
    }

    /// Runs a call on the caller's task: checks, decode, `body`, and its answer frame.
    func run<Method: RPCMethod>(
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

    /// Runs a call at once on the caller's thread, appending its answer frame to `output`.
    func runNow<Method: RPCMethod>(
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
}
