// The RPC server as a Service: binds every listener, serves connections, and shuts down gracefully.
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnblockCore
import UnblockCrypto
import UnblockLDAP
import UnblockStore
import UnblockTLS
import UnblockWire

#if canImport(Glibc)
    import Glibc
#endif

/// `unblockd`'s listeners and connections.
///
/// On graceful shutdown: stop accepting, answer new calls UNAVAILABLE, wait (bounded) for
/// calls in flight, then close every connection. The store and the crypto pool, started
/// before it, are stopped after it by the service group.
public final class UnblockServer: Service, Sendable {
    private let configuration: ServerConfiguration
    /// Every method served, and how each runs.
    private let methods: MethodTable
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let executor: CallExecutor
    private let nextConnectionID = Atomic<UInt64>(1)
    private let openConnections = Atomic<Int>(0)
    private let connectionsByClient = ClientConnectionCounts()
    private let partialFrames: PartialFrameBudget
    /// The TCP listeners' TLS, when configured.
    private let tls: ReloadableTLS?
    private let metrics: ServerMetrics?
    private let activeCalls = CallCounter()
    /// The batchers of each event loop of `group`, by method name.
    private let batchers: [ObjectIdentifier: [String: any CallBatching]]
    private let bound = Mutex<(addresses: [BindAddress]?, waiters: [CheckedContinuation<[BindAddress], any Error>])>(
        (nil, []))

    /// A server over the embedded store.
    /// - Parameters:
    ///   - store: the open store (the server does not close it).
    ///   - pool: the crypto pool (the server does not shut it down).
    public convenience init(
        configuration: ServerConfiguration,
        store: EmbeddedStore,
        pool: CryptoPool,
        logger: Logger,
        group: MultiThreadedEventLoopGroup = .singleton
    ) throws {
        try self.init(
            configuration: configuration, store: store as any DirectoryStore, masterKey: store.masterKey,
            decoyPasswordIterations: store.withDirectory(\.mostCommonPasswordIterations), pool: pool, logger: logger,
            group: group)
    }

    /// - Parameters:
    ///   - store: the open store (the server does not close it).
    ///   - masterKey: seals and derives the cards' admin keys.
    ///   - decoyPasswordIterations: the cost most stored password hashes have (nil: the pool's).
    ///   - pool: the crypto pool (the server does not shut it down).
    public init(
        configuration: ServerConfiguration,
        store: any DirectoryStore,
        masterKey: SecretBytes,
        decoyPasswordIterations: Int?,
        pool: CryptoPool,
        logger: Logger,
        group: MultiThreadedEventLoopGroup = .singleton
    ) throws {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        let metrics = configuration.metrics.map { ServerMetrics(factory: $0, trustedApps: configuration.trustedApps) }
        self.metrics = metrics
        let sessions = SessionStore(
            idleTimeout: configuration.sessions.idleTimeout, absoluteTimeout: configuration.sessions.absoluteTimeout,
            maximum: configuration.sessions.maximum, maximumPerAccount: configuration.sessions.maximumPerAccount,
            counter: metrics?.sessions)
        let executor = CallExecutor(
            authenticator: SessionAuthenticator(sessions: sessions, store: store), metrics: metrics, logger: logger,
            defaultTimeout: configuration.defaultTimeout)
        self.executor = executor
        let selfService = SelfServiceProvider(
            store: store, sessions: sessions,
            verifier: try Self.verifier(
                configuration, pool: pool, decoyIterations: decoyPasswordIterations, logger: logger),
            secondFactor: SecondFactorCheck(
                policy: configuration.secondFactor, sealer: try KeySealer(masterKey: masterKey)),
            configuration: configuration, logger: logger,
            shuttingDown: { executor.shuttingDown.load(ordering: .relaxed) })
        var methods = MethodTable(executor: executor)
        selfService.registerMethods(
            with: &methods,
            unblock: UnblockPinOfflineBatch(
                store: store, masterKey: masterKey, policy: configuration.unblockPolicy, logger: logger),
            pool: pool)
        AdminProvider(
            store: store, sessions: sessions, pool: pool, masterKey: masterKey, configuration: configuration,
            shuttingDown: { executor.shuttingDown.load(ordering: .relaxed) }
        )
        .registerMethods(with: &methods)
        self.methods = methods
        var batchers: [ObjectIdentifier: [String: any CallBatching]] = [:]
        for loop in group.makeIterator() {
            batchers[ObjectIdentifier(loop)] = methods.makeBatchers(on: loop)
        }
        self.batchers = batchers
        partialFrames = PartialFrameBudget(limit: configuration.connections.maximumPartialFrameBytes)
        switch configuration.transportSecurity {
        case .plaintext: tls = nil
        case .tls(let settings):
            do {
                tls = try ReloadableTLS(settings, logger: logger)
            } catch {
                throw ServerError("TLS: \(error)")
            }
        }
        try Self.checkTCPSafety(configuration)
    }

    /// The login method: local passwords, and the organisation's directory when configured.
    private static func verifier(
        _ configuration: ServerConfiguration, pool: CryptoPool, decoyIterations: Int?, logger: Logger
    ) throws -> any CredentialVerifier {
        let local = try LocalPasswordVerifier(pool: pool, decoyIterations: decoyIterations)
        guard let directoryLogin = configuration.directoryLogin else { return local }
        if let problem = directoryLogin.settings.problem { throw ServerError("LDAP: \(problem)") }
        return DirectoryLoginVerifier(
            local: local, directory: LDAPDirectory(settings: directoryLogin.settings), pool: pool,
            localFirst: directoryLogin.localFirst, logger: logger)
    }

    /// Reads the TLS certificate and key again (SIGHUP): new connections get them, open ones
    /// keep theirs. On an error the current ones stay, and the error says why.
    public func reloadTLS() throws(ServerError) {
        guard let tls else { return }
        do {
            try tls.reload(logger: logger)
        } catch {
            throw ServerError("TLS reload: \(error); the current certificate stays")
        }
        logger.info("TLS certificate reloaded", metadata: ["file": "\(tls.settings.certificateChainFile)"])
    }

    /// The addresses actually bound (a TCP port 0 resolved), once listening.
    public func listeningAddresses() async throws -> [BindAddress] {
        try await withCheckedThrowingContinuation { continuation in
            let ready = bound.withLock { state -> [BindAddress]? in
                if let addresses = state.addresses { return addresses }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    public func run() async throws {
        let listeners: [NIOAsyncChannel<Connection, Never>]
        do {
            listeners = try await configuration.listeners.asyncMap { address in
                do {
                    return try await bind(address)
                } catch let error as ServerError {
                    throw error
                } catch {
                    throw ServerError(listeningOn: address, error, option: "--unix-socket or --tcp")
                }
            }
        } catch {
            resolveListening(.failure(error))
            throw error
        }
        let addresses = zip(configuration.listeners, listeners).map { Self.address(of: $1.channel, configured: $0) }
        for address in addresses { logger.info("listening", metadata: ["address": "\(address)"]) }
        resolveListening(.success(addresses))

        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for listener in listeners {
                    group.addTask { await self.accept(on: listener) }
                }
            }
        } onGracefulShutdown: {
            self.logger.info("shutting down: no new connections or calls")
            self.executor.shuttingDown.store(true, ordering: .relaxed)
            for listener in listeners { listener.channel.close(promise: nil) }
        }
    }

    private func resolveListening(_ result: Result<[BindAddress], any Error>) {
        let waiters = bound.withLock { state in
            state.addresses = (try? result.get()) ?? []
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    private func accept(on listener: NIOAsyncChannel<Connection, Never>) async {
        let connections = ConnectionRegistry()
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await accepted in inbound {
                        // Refused connections were answered and closed when they were accepted.
                        guard case .serve(let identity, let callIDs, let connection) = accepted else { continue }
                        connections.add(identity.id, connection.channel)
                        let served = ConnectionHandler(
                            connection: identity, methods: methods, callIDs: callIDs, activeCalls: activeCalls,
                            logger: logger)
                        group.addTask {
                            await served.serve(connection)
                            connections.remove(identity.id)
                            self.connectionsByClient.remove(identity.client)
                            self.openConnections.subtract(1, ordering: .relaxed)
                            self.metrics?.connections.decrement()
                        }
                    }
                }
            } catch is CancellationError {
                // The service group stops (another service failed): as at shutdown.
            } catch {
                logger.error("listener failed", metadata: ["error": "\(error)"])
            }
            // The listener is closed (shutdown): let calls in flight finish, then close the connections.
            await drainCalls()
            connections.closeAll()
        }
    }

    private func drainCalls() async {
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while activeCalls.value > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = activeCalls.value
        if left > 0 { logger.warning("closing connections with \(left) calls still in flight") }
    }

    // MARK: Binding

    private func bind(_ address: BindAddress) async throws -> NIOAsyncChannel<
        Connection, Never
    > {
        let connections = configuration.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1_024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        let secured: ReloadableTLS? = if case .hostname = address { tls } else { nil }
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { [self] channel in
            // TLS first: even a refusal below is sent encrypted.
            let peer = secured.map { _ in TLSPeer() }
            if let secured, let peer {
                do {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: secured.context))
                    try pipeline.addHandler(TLSPeerReader(peer: peer, trustedApps: configuration.trustedApps))
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            return ClientIdentity.of(channel).flatMapThrowing { [self] client in
                // Counted here, as the connection is accepted, so that the limits hold however
                // far behind the accept loop is.
                guard openConnections.wrappingAdd(1, ordering: .relaxed).oldValue < connections.maximum else {
                    openConnections.subtract(1, ordering: .relaxed)
                    logger.warning("refusing a connection: at the maximum of \(connections.maximum)")
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionRefuser(reason: "the server has too many connections; retry later"))
                    return .refused
                }
                // One client cannot take every connection: the others' stay available.
                guard connectionsByClient.add(client, limit: connections.maximumPerClient) else {
                    openConnections.subtract(1, ordering: .relaxed)
                    logger.warning(
                        "refusing a connection: at the maximum for one client",
                        metadata: ["client": "\(client)", "maximum": "\(connections.maximumPerClient)"])
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionRefuser(
                            reason: "this client (\(client)) has \(connections.maximumPerClient) connections open, "
                                + "the most one client may; close some or reuse them"))
                    return .refused
                }
                metrics?.connections.increment()
                let id = nextConnectionID.wrappingAdd(1, ordering: .relaxed).oldValue
                let callIDs = CallIDs()
                let idle = TimeAmount.nanoseconds(Int64(connections.idleTimeout.wholeNanoseconds))
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(IdleCloser(timeout: idle))
                try pipeline.addHandler(
                    FrameReader(maximumFrameLength: connections.maximumFrameBytes, budget: partialFrames))
                let connection = ConnectionIdentity(
                    id: id, client: client, tls: peer,
                    isTrustedUser: client.isLocalUser(in: configuration.trustedAppUIDs),
                    secretsAllowedInClear: configuration.allowSecretsOverInsecureTCP)
                try pipeline.addHandler(
                    CallRouter(
                        connection: connection, methods: methods, batchers: batchers(for: channel.eventLoop),
                        callIDs: callIDs, callsInFlight: connections.callsInFlight, activeCalls: activeCalls,
                        logger: logger))
                return .serve(
                    connection: connection, callIDs: callIDs,
                    channel: try NIOAsyncChannel(wrappingChannelSynchronously: channel))
            }
        }
        switch address {
        case .hostname(let host, let port):
            return try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unixDomainSocket(let path):
            try await Self.removeStaleSocket(at: path, group: group)
            // Owner and group only, from the moment the socket exists: local users outside the
            // service's group cannot connect (a chmod after bind left a moment when they could).
            let previous = umask(0o117)
            let listener: NIOAsyncChannel<Connection, Never>
            do {
                listener = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
                umask(previous)
            } catch {
                umask(previous)
                throw error
            }
            // The umask is the process's: another server binding in the same process (tests)
            // may have set it back meanwhile. Then the mode is set now, and checked either way.
            var status = stat()
            if stat(path, &status) == 0, status.st_mode & 0o777 != 0o660 { chmod(path, 0o660) }
            guard stat(path, &status) == 0, status.st_mode & 0o777 == 0o660 else {
                try? await listener.channel.close()
                throw ServerError("the socket \(path) did not get mode 0660; check the folder it is in")
            }
            return listener
        }
    }

    private func batchers(for loop: any EventLoop) -> [String: any CallBatching] {
        guard let batchers = batchers[ObjectIdentifier(loop)] else {
            preconditionFailure("a connection on an event loop outside the server's group")
        }
        return batchers
    }

    /// Removes a socket file left by a server that is gone; refuses to replace a live one, or
    /// anything that is not a socket (a mistyped path must not delete a file).
    private static func removeStaleSocket(at path: String, group: MultiThreadedEventLoopGroup) async throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw ServerError(
                "\(path) exists and is not a socket; it was left as it is: remove it, or choose another --unix-socket")
        }
        do {
            let channel = try await ClientBootstrap(group: group).connect(unixDomainSocketPath: path).get()
            try? await channel.close()
            throw ServerError("another server is listening on \(path); stop it or choose another --unix-socket")
        } catch let error as ServerError {
            throw error
        } catch {
            unlink(path)
        }
    }

    /// The configured address with a TCP port 0 replaced by the port the system chose.
    private static func address(of channel: any Channel, configured: BindAddress) -> BindAddress {
        guard case .hostname(let host, _) = configured, let port = channel.localAddress?.port else { return configured }
        return .hostname(host, port: port)
    }

    private static func checkTCPSafety(_ configuration: ServerConfiguration) throws {
        if case .tls = configuration.transportSecurity { return }
        guard !configuration.allowInsecureTCP else { return }
        for case .hostname(let host, _) in configuration.listeners where !BindAddress.isLoopback(host: host) {
            throw ServerError(
                "refusing to listen on \(host) without TLS: responses would cross the network in clear; "
                    + "turn TLS on with --tls-cert and --tls-key, use a loopback address, "
                    + "or pass --allow-insecure-tcp if the network is otherwise protected")
        }
    }
}

/// An accepted connection: to serve (its id, the call ids in flight on it, its channel), or
/// refused (over the maximum: answered UNAVAILABLE and closed).
enum Connection: Sendable {
    case serve(connection: ConnectionIdentity, callIDs: CallIDs, channel: NIOAsyncChannel<RequestFrame, ByteBuffer>)
    case refused
}

/// The connections of one listener, so that shutdown can close them.
final class ConnectionRegistry: Sendable {
    private let channels = Mutex<[UInt64: any Channel]>([:])
    func add(_ id: UInt64, _ channel: any Channel) { channels.withLock { $0[id] = channel } }
    func remove(_ id: UInt64) { _ = channels.withLock { $0.removeValue(forKey: id) } }
    func closeAll() {
        for channel in channels.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

extension Duration {
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
