// Every method the server answers, registered once: its name, how it runs, and what runs it.
import NIOCore
import UnblockCore
import UnblockCrypto
import UnblockWire

/// How a method runs: a property of its registration, not a code path of its own.
enum MethodExecution: Sendable {
    /// Answered on the connection's event loop as it is read, into the read's flush buffer:
    /// needs neither pool nor disk.
    case onEventLoop(@Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Void)
    /// Run on the connection's task: it awaits the crypto pool or a commit.
    case onTask(@Sendable (RequestFrame, ConnectionIdentity) async -> ByteBuffer)
    /// Checked on the event loop, finished in batches on the crypto pool: the batcher of an event loop.
    case batched(@Sendable (any EventLoop) -> any CallBatching)
    /// Answered on the event loop when this node holds the call's session (`now` returns
    /// true); else run on the connection's task (`task`), which first reads the session from
    /// where the nodes share them.
    case readingOnEventLoop(
        now: @Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Bool,
        task: @Sendable (RequestFrame, ConnectionIdentity) async -> ByteBuffer)
}

/// The methods of the server, by full name; built once, read by every call.
package struct MethodTable: Sendable {
    let executor: CallExecutor
    private var methods: [String: MethodExecution] = [:]

    package init(executor: CallExecutor) {
        self.executor = executor
    }

    /// How the method named `name` runs; nil for a method no service registered.
    subscript(name: String) -> MethodExecution? { methods[name] }

    /// The names registered, for metrics labels.
    var names: [String] { Array(methods.keys) }

    /// Answers a method no service registered: UNIMPLEMENTED, before any session check.
    func answerUnknown(_ frame: RequestFrame, connection: ConnectionIdentity, into output: inout ByteBuffer) {
        let call = executor.makeCall(frame, connection: connection)
        let method = String(frame.method.prefix(200))
        executor.failed(call, RPCError(.unimplemented, "unknown method \"\(method)\""), into: &output)
    }

    /// Answers a call of a method that runs on a task: a complete answer frame.
    func answerOnTask(_ frame: RequestFrame, _ connection: ConnectionIdentity) async -> ByteBuffer {
        var output = ByteBuffer()
        switch methods[frame.method] {
        case .onTask(let answer)?, .readingOnEventLoop(_, let answer)?: return await answer(frame, connection)
        case .onEventLoop(let answer)?: answer(frame, connection, &output)
        case .batched?, nil: answerUnknown(frame, connection: connection, into: &output)
        }
        return output
    }

    /// The batchers of one event loop, by method name.
    func makeBatchers(on loop: any EventLoop) -> [String: any CallBatching] {
        methods.compactMapValues { execution in
            guard case .batched(let makeBatcher) = execution else { return nil }
            return makeBatcher(loop)
        }
    }

    // MARK: Registration

    /// Registers a method that needs no caller, answered on the event loop.
    package mutating func register<Method: RPCMethod>(
        _: Method.Type,
        onEventLoop body: @escaping @Sendable (Method.Request, CallContext) throws -> Method.Response
    ) {
        let executor = executor
        add(
            Method.self,
            .onEventLoop { frame, connection, output in
                executor.runNow(Method.self, frame, connection: connection, into: &output) {
                    try body($0, $1.context)
                }
            })
    }

    /// Registers a method of an authenticated caller that only reads: on the event loop when
    /// the store reads at once, on the connection's task otherwise.
    package mutating func register<Method: RPCMethod>(
        _: Method.Type,
        reading body:
            @escaping @Sendable (Method.Request, Caller, any DirectoryView, CallContext) throws -> Method.Response
    ) {
        let (executor, authenticator) = (executor, executor.authenticator)
        let onTask: @Sendable (RequestFrame, ConnectionIdentity) async -> ByteBuffer = { frame, connection in
            await executor.run(Method.self, frame, connection: connection) { request, call in
                try await authenticator.withCaller(call) { try body(request, $0, $1, call.context) }
            }
        }
        guard authenticator.store.readsImmediately else { return add(Method.self, .onTask(onTask)) }
        guard authenticator.readsAtOnce else {
            return add(
                Method.self,
                .readingOnEventLoop(
                    now: { frame, connection, output in
                        executor.runNow(Method.self, frame, connection: connection, into: &output) { request, call in
                            try authenticator.withCallerNow(call) { try body(request, $0, $1, call.context) }
                        }
                    }, task: onTask))
        }
        add(
            Method.self,
            .onEventLoop { frame, connection, output in
                executor.runNow(Method.self, frame, connection: connection, into: &output) { request, call in
                    try authenticator.withCallerNow(call) { try body(request, $0, $1, call.context) }
                }
            })
    }

    /// Registers a method that needs no caller, run on the connection's task.
    package mutating func register<Method: RPCMethod>(
        _: Method.Type,
        onTask body: @escaping @Sendable (Method.Request, CallContext) async throws -> Method.Response
    ) {
        let executor = executor
        add(
            Method.self,
            .onTask { frame, connection in
                await executor.run(Method.self, frame, connection: connection) { try await body($0, $1.context) }
            })
    }

    /// Registers a method of an authenticated caller, run on the connection's task.
    package mutating func register<Method: RPCMethod>(
        _: Method.Type,
        authenticatedOnTask body:
            @escaping @Sendable (Method.Request, Caller, CallContext) async throws
            -> Method.Response
    ) {
        let (executor, authenticator) = (executor, executor.authenticator)
        add(
            Method.self,
            .onTask { frame, connection in
                await executor.run(Method.self, frame, connection: connection) { request, call in
                    try await body(request, try await authenticator.caller(of: call), call.context)
                }
            })
    }

    /// Registers a method whose calls are checked on the event loop and finished together
    /// on the crypto pool (`BatchedMethod`). Needs a store that reads at once.
    mutating func register<Batch: BatchedMethod>(batched batch: Batch, pool: CryptoPool) {
        precondition(
            executor.authenticator.store.readsImmediately, "a batched method plans on the event loop: it reads at once")
        let executor = executor
        add(
            Batch.Method.self,
            .batched { loop in CallBatcher(batch, eventLoop: loop, pool: pool, executor: executor) })
    }

    private mutating func add<Method: RPCMethod>(_: Method.Type, _ execution: MethodExecution) {
        precondition(methods[Method.name] == nil, "\(Method.name) is registered twice")
        methods[Method.name] = execution
    }
}
