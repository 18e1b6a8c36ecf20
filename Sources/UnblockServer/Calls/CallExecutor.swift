// The steps every call takes, however it runs: deadline, decode, the caller, the handler, encode, status, metrics, log.
import Logging
import NIOCore
import Synchronization
import UnblockCore
import UnblockProtobufBridge
import UnblockWire

/// Runs one call of any method through the same steps, so that a method's registration says
/// only what the method does and how it runs (`MethodTable`).
package final class CallExecutor: Sendable {
    let metrics: ServerMetrics?
    let logger: Logger
    /// Who is calling: the session of a call and its account.
    let authenticator: SessionAuthenticator
    /// Whether each call is logged (debug): checked per call without copying the logger.
    private let logsEachCall: Bool
    private let defaultTimeout: Duration
    /// Set at graceful shutdown: new calls are answered UNAVAILABLE (Health excepted).
    let shuttingDown = Atomic(false)

    package init(authenticator: SessionAuthenticator, metrics: ServerMetrics?, logger: Logger, defaultTimeout: Duration)
    {
        self.authenticator = authenticator
        self.metrics = metrics
        self.logger = logger
        self.logsEachCall = logger.logLevel <= .debug
        self.defaultTimeout = defaultTimeout
    }

    /// The call a frame starts, its deadline counted from now (the server's default when none was sent).
    func makeCall(_ frame: RequestFrame, connection: ConnectionIdentity) -> Call {
        let started = ContinuousClock.now
        let timeout = frame.timeoutMilliseconds.map { Duration.milliseconds(Int64($0)) } ?? defaultTimeout
        return Call(
            connection: connection, id: frame.callID, method: frame.method, sessionToken: frame.sessionToken,
            started: started,
            context: CallContext(
                client: connection.client, deadline: started + timeout,
                relayedFor: connection.isTrustedApp ? frame.clientInfo.flatMap { $0.isWellFormed ? $0 : nil } : nil,
                isTLS: connection.tls != nil, tlsApp: connection.tls?.app,
                secretsAllowedInClear: connection.secretsAllowedInClear))
    }

    /// The checks every call passes first, then its request message.
    func decode<Method: RPCMethod>(_: Method.Type, _ frame: RequestFrame, _ call: Call) throws -> Method.Request {
        if shuttingDown.load(ordering: .relaxed) && Method.self != SelfService.Health.self {
            throw RPCError(.unavailable, "the server is shutting down; retry against another instance or later")
        }
        try call.context.checkDeadline()
        if call.connection.isTrustedApp, let info = frame.clientInfo, !info.isWellFormed {
            throw RPCError(
                .invalidArgument,
                "client_info: the app is letters, digits, '.', '_' and '-', the end user's address an IP address")
        }
        return try Method.Request(buffer: frame.message)
    }

    /// Runs a call at once on the caller's thread, appending its answer frame to `output`;
    /// false, with nothing appended, when its session is not held on this node (the call then
    /// goes to the connection's task, which reads the session first).
    @discardableResult
    func runNow<Method: RPCMethod>(
        _: Method.Type,
        _ frame: RequestFrame,
        connection: ConnectionIdentity,
        into output: inout ByteBuffer,
        _ body: (Method.Request, Call) throws -> Method.Response
    ) -> Bool {
        let call = makeCall(frame, connection: connection)
        do {
            let request = try decode(Method.self, frame, call)
            succeeded(call, try body(request, call), into: &output)
        } catch is SessionNotHeld {
            return false
        } catch {
            failed(call, error, into: &output)
        }
        return true
    }

    /// Runs a call on the caller's task: its answer frame.
    func run<Method: RPCMethod>(
        _: Method.Type,
        _ frame: RequestFrame,
        connection: ConnectionIdentity,
        _ body: (Method.Request, Call) async throws -> Method.Response
    ) async -> ByteBuffer {
        let call = makeCall(frame, connection: connection)
        var output = ByteBuffer()
        do {
            let request = try decode(Method.self, frame, call)
            succeeded(call, try await body(request, call), into: &output)
        } catch {
            failed(call, error, into: &output)
        }
        return output
    }

    /// Appends the answer of a call that succeeded to `output`, and counts it.
    func succeeded(_ call: Call, _ response: some WireMessage, into output: inout ByteBuffer) {
        output.writeResponseFrame(callID: call.id, response: response)
        callEnded(call, status: .ok)
    }

    /// Appends the status frame that answers a failed call to `output`, and logs it.
    func failed(_ call: Call, _ error: any Error, into output: inout ByteBuffer) {
        let status = RPCError.from(error)
        if status.code == .internal {
            metrics?.record(
                method: call.method, status: status.code, duration: .now - call.started, app: call.connection.tls?.app)
            logger.error(
                "call failed", metadata: metadata(call, status: status.code).merging(["error": "\(error)"]) { $1 })
        } else {
            callEnded(call, status: status.code)
        }
        output.writeFrame(
            ResponseFrame(
                callID: call.id, statusCode: status.code, statusMessage: status.message, reason: status.reason,
                retryAfterMilliseconds: status.retryAfterMilliseconds))
    }

    /// The status frame that answers a failed call.
    func failed(_ call: Call, _ error: any Error) -> ByteBuffer {
        var output = ByteBuffer()
        failed(call, error, into: &output)
        return output
    }

    /// Counts and logs (at debug) one answered call.
    private func callEnded(_ call: Call, status: StatusCode) {
        metrics?.record(
            method: call.method, status: status, duration: .now - call.started, app: call.connection.tls?.app)
        guard logsEachCall else { return }
        logger.debug("call", metadata: metadata(call, status: status))
    }

    private func metadata(_ call: Call, status: StatusCode) -> Logger.Metadata {
        [
            "connection": "\(call.connection.id)", "call": "\(call.id)", "method": "\(call.method)",
            "status": "\(status)", "duration": "\(ContinuousClock.now - call.started)",
        ]
    }
}
