// Every method the server answers, registered once: its name, how it runs, and what runs it.
import NIOCore
import UnblockWire

/// How a method runs: a property of its registration, not a code path of its own.
enum MethodExecution: Sendable {
    /// Answered on the connection's event loop as it is read: needs neither pool nor disk.
    case onEventLoop
    /// Run on the connection's task: it awaits the crypto pool or a commit.
    case onTask
    /// Checked on the event loop and finished in a batch on the crypto pool (`UnblockBatcher`).
    case batched
}

/// The methods of the server, by full name; built once, read by every call.
struct MethodTable: Sendable {
    /// One registered method.
    struct Entry: Sendable {
        let execution: MethodExecution
        /// For `.onEventLoop`: appends the answer frame to the flush's buffer.
        let answerNow: (@Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Void)?
        /// For `.onTask`: the answer frame.
        let answerOnTask: (@Sendable (RequestFrame, ConnectionIdentity) async -> ByteBuffer)?
    }

    private var entries: [String: Entry] = [:]
    /// Answers a method no one registered (UNIMPLEMENTED).
    private let unknown: @Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Void

    init(unknown: @escaping @Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Void) {
        self.unknown = unknown
    }

    /// The registered method named `name`, nil for an unknown one.
    subscript(name: String) -> Entry? { entries[name] }

    /// How the method named `name` runs; an unknown method is answered at once (UNIMPLEMENTED).
    func execution(of name: String) -> MethodExecution { entries[name]?.execution ?? .onEventLoop }

    /// What answers a call of `name` at once: the method's answer when it runs on the event
    /// loop, UNIMPLEMENTED for an unknown method; nil when it runs elsewhere. One lookup for
    /// the calls that are most of the traffic.
    func immediateAnswer(for name: String) -> (@Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Void)?
    {
        guard let entry = entries[name] else { return unknown }
        return entry.answerNow
    }

    /// Answers a call of a method that runs on a task: a complete answer frame.
    func answerOnTask(_ frame: RequestFrame, _ connection: ConnectionIdentity) async -> ByteBuffer {
        let entry = entries[frame.method]
        if let answer = entry?.answerOnTask { return await answer(frame, connection) }
        var output = ByteBuffer()
        (entry?.answerNow ?? unknown)(frame, connection, &output)
        return output
    }

    /// Registers a method answered on the event loop: `body` needs neither pool nor disk.
    mutating func register<Method: RPCMethod>(
        _: Method.Type,
        onEventLoop body: @escaping @Sendable (Method.Request, CallContext) throws -> Method.Response,
        executor: CallExecutor
    ) {
        let answer: @Sendable (RequestFrame, ConnectionIdentity, inout ByteBuffer) -> Void = {
            frame, connection, output in
            executor.runNow(
                Method.self, frame, executor.makeContext(frame, connection: connection), body, into: &output)
        }
        add(Method.name, Entry(execution: .onEventLoop, answerNow: answer, answerOnTask: nil))
    }

    /// Registers a method run on the connection's task: `body` awaits the pool or a commit.
    mutating func register<Method: RPCMethod>(
        _: Method.Type,
        onTask body: @escaping @Sendable (Method.Request, CallContext) async throws -> Method.Response,
        executor: CallExecutor
    ) {
        let answer: @Sendable (RequestFrame, ConnectionIdentity) async -> ByteBuffer = { frame, connection in
            await executor.run(Method.self, frame, executor.makeContext(frame, connection: connection), body)
        }
        add(Method.name, Entry(execution: .onTask, answerNow: nil, answerOnTask: answer))
    }

    /// Registers a method the router starts on the event loop and the batcher finishes.
    mutating func registerBatched<Method: RPCMethod>(_: Method.Type) {
        add(Method.name, Entry(execution: .batched, answerNow: nil, answerOnTask: nil))
    }

    private mutating func add(_ name: String, _ entry: Entry) {
        precondition(entries[name] == nil, "\(name) is registered twice")
        entries[name] = entry
    }
}
