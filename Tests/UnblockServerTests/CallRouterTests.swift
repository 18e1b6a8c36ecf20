// CallRouter on an EmbeddedChannel: the envelope checks, answers on the loop, the hand-off to the task, backpressure.
import Logging
import NIOCore
import NIOEmbedded
import Testing
import UnblockCore
import UnblockServer
import UnblockWire

@Suite struct CallRouterTests {
    /// Health answered on the event loop; Authenticate passed on to the connection's task,
    /// which is not in this pipeline: its frames come out as inbound reads.
    static func makeChannel(callsInFlight: Int = 4) throws -> EmbeddedChannel {
        let sessions = SessionStore(
            idleTimeout: .seconds(60), absoluteTimeout: .seconds(600), maximum: 8, maximumPerAccount: 2)
        let executor = CallExecutor(
            authenticator: SessionAuthenticator(sessions: sessions, store: EmptyStore()), metrics: nil,
            logger: Logger(label: "test"), defaultTimeout: .seconds(30))
        var methods = MethodTable(executor: executor)
        methods.register(SelfService.Health.self) { (_: HealthRequest, _: CallContext) in
            HealthResponse(status: .serving, version: "test")
        }
        methods.register(SelfService.Authenticate.self) {
            (_: AuthenticateRequest, _: CallContext) async throws -> AuthenticateResponse in throw NotRunHere()
        }
        let channel = EmbeddedChannel(
            handler: CallRouter(
                connection: ConnectionIdentity(id: 1, client: .localUser(uid: 1_000)), methods: methods, batchers: [:],
                callIDs: CallIDs(), callsInFlight: callsInFlight, activeCalls: CallCounter(),
                logger: Logger(label: "test")))
        // Connected, so that a close shows as the channel going inactive.
        channel.connect(to: try SocketAddress(unixDomainSocketPath: "/unblockd.sock"), promise: nil)
        return channel
    }

    struct NotRunHere: Error {}
    struct NoWrite: Error {}

    /// One request frame's payload, as the frame reader passes it on (no length prefix).
    static func request(_ callID: UInt64, _ method: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeRequestFrame(callID: callID, method: method, request: HealthRequest())
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer
    }

    /// The response frames in one outbound write.
    static func frames(in write: ByteBuffer?) throws -> [ResponseFrame] {
        guard var buffer = write else { throw NoWrite() }
        var frames: [ResponseFrame] = []
        while let length = buffer.readInteger(as: UInt32.self) {
            guard let payload = buffer.readSlice(length: Int(length)) else { throw NoWrite() }
            frames.append(try ResponseFrame(buffer: payload))
        }
        return frames
    }

    @Test func pipelinedCallsAreAnsweredInOneWriteAtTheEndOfTheRead() throws {
        let channel = try Self.makeChannel()
        try channel.pipeline.syncOperations.fireChannelRead(NIOAny(Self.request(1, SelfService.Health.name)))
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(Self.request(2, SelfService.Health.name)))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing is written before the read completes")
        channel.pipeline.syncOperations.fireChannelReadComplete()
        let answers = try Self.frames(in: channel.readOutbound(as: ByteBuffer.self))
        #expect(answers.map(\.callID) == [1, 2])
        #expect(answers.allSatisfy { $0.statusCode == .ok })
        #expect(try HealthResponse(buffer: answers[0].message).version == "test")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "one write for the whole read")
    }

    @Test func anUnknownMethodIsUnimplementedWithoutASession() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(Self.request(5, "/unblock.v1.SelfService/Nonexistent"))
        let answers = try Self.frames(in: channel.readOutbound(as: ByteBuffer.self))
        #expect(answers.map(\.callID) == [5])
        #expect(answers.first?.statusCode == .unimplemented)
        #expect(channel.isActive)
    }

    @Test(arguments: [
        ("call id 0", CallRouterTests.request(0, SelfService.Health.name)),
        ("not a frame", ByteBuffer(bytes: [0xFF, 0xFF, 0xFF])),
    ])
    func aBadEnvelopeIsAnsweredOnCallIDZeroAndCloses(_ case: String, _ bytes: ByteBuffer) throws {
        let channel = try Self.makeChannel()
        #expect(channel.isActive)
        try channel.writeInbound(bytes)
        channel.embeddedEventLoop.run()
        let answers = try Self.frames(in: channel.readOutbound(as: ByteBuffer.self))
        #expect(answers.map(\.callID) == [0], "\(`case`)")
        #expect(answers.first?.statusCode == .invalidArgument)
        #expect(!channel.isActive, "\(`case`): the connection is closed")
    }

    @Test func aCallIDAlreadyInFlightClosesTheConnection() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(Self.request(7, SelfService.Authenticate.name))
        #expect(try channel.readInbound(as: RequestFrame.self)?.callID == 7, "passed on to the task")
        try channel.writeInbound(Self.request(7, SelfService.Authenticate.name))
        channel.embeddedEventLoop.run()
        let answers = try Self.frames(in: channel.readOutbound(as: ByteBuffer.self))
        #expect(answers.map(\.callID) == [0])
        #expect(answers.first?.statusMessage.contains("already in flight") == true)
        #expect(!channel.isActive)
        #expect(try channel.readInbound(as: RequestFrame.self) == nil, "the second call never ran")
    }

    @Test func callsBeyondTheLimitWaitForAnAnswer() throws {
        let channel = try Self.makeChannel(callsInFlight: 1)
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(Self.request(1, SelfService.Authenticate.name)))
        channel.pipeline.syncOperations.fireChannelRead(NIOAny(Self.request(2, SelfService.Authenticate.name)))
        channel.pipeline.syncOperations.fireChannelReadComplete()
        #expect(try channel.readInbound(as: RequestFrame.self)?.callID == 1)
        #expect(try channel.readInbound(as: RequestFrame.self) == nil, "the second call waits for a free slot")
        // Health needs no slot: answered at once even now.
        try channel.writeInbound(Self.request(3, SelfService.Health.name))
        #expect(try Self.frames(in: channel.readOutbound(as: ByteBuffer.self)).map(\.callID) == [3])

        // The task answers the first call: the second starts.
        var answer = ByteBuffer()
        answer.writeResponseFrame(callID: 1, response: HealthResponse(status: .serving, version: "test"))
        try channel.writeOutbound(answer)
        channel.embeddedEventLoop.run()
        #expect(try channel.readInbound(as: RequestFrame.self)?.callID == 2)
        #expect(try Self.frames(in: channel.readOutbound(as: ByteBuffer.self)).map(\.callID) == [1])
    }
}

/// A store with nothing in it, through the store protocol: the router's tests read nothing.
final class EmptyStore: DirectoryStore {
    private let directory = Directory()
    var isWritable: Bool { true }
    var readsImmediately: Bool { true }

    func readNow<Result>(_ body: (any DirectoryView) throws -> Result) rethrows -> Result { try body(directory) }

    func read<Result: Sendable>(_ body: (any DirectoryView) throws -> Result) async throws -> Result {
        try body(directory)
    }

    func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result)
    ) async throws -> Result {
        try transaction(directory).result
    }

    func auditEvents(_ query: AuditQuery) async throws -> (events: [AuditEvent], lastSequence: UInt64) { ([], 0) }

    func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result),
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    ) {
        completion(Swift.Result { try transaction(directory).result })
    }

    func close() async throws {}
}
