// An async Swift client for unblockd over a Unix domain socket or TCP.
import NIOCore
import NIOPosix
import Synchronization
import UnblockTLS
import UnblockWire

/// A client for `unblockd`.
///
/// One connection carries every concurrent call, matched by call id. The connection is
/// opened on the first call and again on the first call after it breaks; a broken
/// connection fails its calls at once. After `authenticate`, the session token is sent
/// with every call.
///
/// Given several addresses (nodes sharing one PostgreSQL store), the client uses one at a
/// time and moves to the next when it cannot connect, or when a node answers UNAVAILABLE or
/// its connection breaks. A call that never left is sent to the next node; one already sent
/// is sent again only when that is safe (`retriedOnAnotherNode`: Health, ListCards), since
/// the first node may have carried it out.
///
/// ```swift
/// let client = UnblockClient(target: .unixDomainSocket(path: "/run/unblockd/unblockd.sock"))
/// try await client.authenticate(username: "alice", password: "alice-demo-password")
/// let cards = try await client.listCards().cards
/// let answer = try await client.unblockPinOffline(card: .serial(cards[0].serial), challenge: "1603 EBDF 1C8A 2E72")
/// print(answer.response)
/// await client.close()
/// ```
public final class UnblockClient: Sendable {
    private struct State {
        var channel: EventLoopFuture<any Channel>?
        /// The address in use, in `targets`.
        var current = 0
        var sessionToken = ""
    }

    /// Where the servers listen, in order of preference.
    public let targets: [BindAddress]
    /// The calls sent again to the next node when the first cannot answer: they only read.
    public static let retriedOnAnotherNode: Set<String> = [SelfService.Health.name, SelfService.ListCards.name]
    /// Deadline for calls that give none.
    public let defaultTimeout: Duration
    private let group: any EventLoopGroup
    private let tls: ClientTLSContext?
    private let state = Mutex(State())
    private let nextCallID = Atomic<UInt64>(1)

    public convenience init(
        target: BindAddress,
        defaultTimeout: Duration = .seconds(30),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.init(targets: [target], defaultTimeout: defaultTimeout, group: group)
    }

    /// A client for several nodes (at least one address).
    public init(
        targets: [BindAddress],
        defaultTimeout: Duration = .seconds(30),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        precondition(!targets.isEmpty, "a client needs an address")
        self.targets = targets
        self.defaultTimeout = defaultTimeout
        self.group = group
        self.tls = nil
    }

    /// A client that reaches unblockd's TCP listener over TLS (a Unix socket target ignores `tls`).
    /// - Throws: `TLSSetupError` when a file of `tls` cannot be used, naming it.
    public convenience init(
        target: BindAddress,
        tls: TLSClientSettings,
        defaultTimeout: Duration = .seconds(30),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(TLSSetupError) {
        try self.init(targets: [target], tls: tls, defaultTimeout: defaultTimeout, group: group)
    }

    /// A client for several nodes over TLS (a Unix socket target ignores `tls`).
    public init(
        targets: [BindAddress],
        tls: TLSClientSettings,
        defaultTimeout: Duration = .seconds(30),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(TLSSetupError) {
        precondition(!targets.isEmpty, "a client needs an address")
        self.targets = targets
        self.defaultTimeout = defaultTimeout
        self.group = group
        self.tls = try ClientTLSContext(tls)
    }

    /// The address in use now.
    public var target: BindAddress { targets[state.withLock { $0.current }] }

    /// The session token sent with each call (set by `authenticate`; empty when logged out).
    public var sessionToken: String {
        get { state.withLock { $0.sessionToken } }
        set { state.withLock { $0.sessionToken = newValue } }
    }

    /// Calls `Method` with `request`.
    /// - Parameters:
    ///   - timeout: the call's deadline (sent to the server too); default `defaultTimeout`.
    ///   - sessionToken: the session to call in; default the client's own (`sessionToken`). An
    ///     app serving many users over one connection (the portal) names each call's.
    ///   - clientInfo: whom an app calls for (the person's browser address); honoured only
    ///     when the server's operator trusts this app's connections.
    /// - Throws: `UnblockClientError` with the server's status, or `.unavailable` when the server
    ///   cannot be reached, or `.deadlineExceeded`.
    public func call<Method: RPCMethod>(
        _: Method.Type,
        _ request: Method.Request,
        timeout: Duration? = nil,
        sessionToken token: String? = nil,
        clientInfo: ClientInfo? = nil
    ) async throws -> Method.Response {
        let retried = targets.count > 1 && Self.retriedOnAnotherNode.contains(Method.name)
        for attempt in 1...targets.count {
            let (channel, index) = try await connection()
            do {
                return try await call(
                    Method.self, request, on: channel, timeout: timeout, sessionToken: token, clientInfo: clientInfo)
            } catch let error as UnblockClientError where error.code == .unavailable && targets.count > 1 {
                // This node cannot answer now: the next call goes to the next one.
                moveOn(from: index)
                guard retried && attempt < targets.count else { throw error }
            }
        }
        throw UnblockClientError(code: .unavailable, message: "no server could answer")
    }

    private func call<Method: RPCMethod>(
        _: Method.Type,
        _ request: Method.Request,
        on channel: any Channel,
        timeout: Duration?,
        sessionToken token: String?,
        clientInfo: ClientInfo?
    ) async throws -> Method.Response {
        let timeout = timeout ?? defaultTimeout
        let callID = nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
        var frame = channel.allocator.buffer(capacity: 256)
        frame.writeRequestFrame(
            callID: callID, method: Method.name, sessionToken: token ?? sessionToken,
            timeoutMilliseconds: UInt32(clamping: timeout.milliseconds), clientInfo: clientInfo, request: request
        )
        let promise = channel.eventLoop.makePromise(of: ResponseFrame.self)
        let call = OutgoingCall(
            callID: callID, frame: frame, timeout: .milliseconds(timeout.milliseconds), promise: promise)
        channel.writeAndFlush(call).whenFailure { error in
            promise.fail(UnblockClientError(code: .unavailable, message: "could not send the call: \(error)"))
        }
        let response = try await promise.futureResult.get()
        guard response.statusCode == .ok else {
            throw UnblockClientError(response)
        }
        do {
            return try Method.Response(buffer: response.message)
        } catch {
            throw UnblockClientError(code: .internal, message: "the server's answer does not parse: \(error)")
        }
    }

    /// Closes the connection (calls still waiting fail); a later call opens a new one.
    public func close() async {
        let channel = state.withLock { state -> EventLoopFuture<any Channel>? in
            defer { state.channel = nil }
            return state.channel
        }
        if let channel = try? await channel?.get() { try? await channel.close() }
    }

    /// The open connection, or a new one: to the address in use, else to the next ones in turn.
    private func connection() async throws -> (any Channel, index: Int) {
        var failures: [String] = []
        // Each address once; a connection that closed as it was handed over counts as a try.
        for _ in 0..<(targets.count + 1) {
            let (future, index) = state.withLock { state -> (EventLoopFuture<any Channel>, Int) in
                if let channel = state.channel { return (channel, state.current) }
                let channel = connect(to: targets[state.current])
                state.channel = channel
                return (channel, state.current)
            }
            do {
                let channel = try await future.get()
                if channel.isActive { return (channel, index) }
                forget(future)
            } catch {
                forget(future)
                let reason = ConnectFailure.tlsReason(error) ?? ConnectFailure.reason(error)
                failures.append("\(targets[index]): \(reason)")
                moveOn(from: index)
                if failures.count == targets.count { break }
            }
        }
        throw UnblockClientError(
            code: .unavailable,
            message: failures.count == 1
                ? "cannot connect to \(failures[0])"
                : "cannot connect to any server: \(failures.joined(separator: "; "))")
    }

    /// Uses the address after `index` from now on (unless another call moved on already).
    private func moveOn(from index: Int) {
        guard targets.count > 1 else { return }
        let left = state.withLock { state -> EventLoopFuture<any Channel>? in
            guard state.current == index else { return nil }
            state.current = (index + 1) % targets.count
            defer { state.channel = nil }
            return state.channel
        }
        left?.whenSuccess { $0.close(promise: nil) }
    }

    private func forget(_ future: EventLoopFuture<any Channel>) {
        state.withLock { state in
            if state.channel === future { state.channel = nil }
        }
    }

    private func connect(to target: BindAddress) -> EventLoopFuture<any Channel> {
        let secured: (ClientTLSContext, host: String)? =
            if let tls, case .hostname(let host, _) = target { (tls, host) } else { nil }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let (tls, host) = secured {
                        try channel.pipeline.syncOperations.addHandler(try tls.handler(host: host))
                        try channel.pipeline.syncOperations.addHandler(
                            HandshakeWaiter(channel.eventLoop.makePromise(of: Void.self)))
                    }
                    try channel.pipeline.syncOperations.addHandler(ForeignServerDetector())
                    try channel.pipeline.syncOperations.addHandler(FrameReader())
                    try channel.pipeline.syncOperations.addHandler(CallMultiplexer())
                }
            }
        let connected: EventLoopFuture<any Channel> =
            switch target {
            case .unixDomainSocket(let path): bootstrap.connect(unixDomainSocketPath: path)
            case .hostname(let host, let port): bootstrap.connect(host: host, port: port)
            }
        // Over TLS, the connection is ready once the handshake is done: a failed one fails the connect.
        let future =
            secured == nil
            ? connected
            : connected.flatMap { channel in
                guard let waiter = try? channel.pipeline.syncOperations.handler(type: HandshakeWaiter.self) else {
                    return channel.eventLoop.makeFailedFuture(ChannelError.eof)
                }
                return waiter.handshake.futureResult.map { channel }
            }
        // A closed connection is forgotten, so that the next call reconnects.
        future.whenSuccess { channel in
            channel.closeFuture.whenComplete { _ in self.forget(future) }
        }
        return future
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
