// The RPC server as a Service: binds every listener, serves connections, and shuts down gracefully.
import Logging
import NIOCore
import NIOPosix
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
    let configuration: ServerConfiguration
    /// Every method served, and how each runs.
    let methods: MethodTable
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let executor: CallExecutor
    let nextConnectionID = Atomic<UInt64>(1)
    let openConnections = Atomic<Int>(0)
    let connectionsByClient = ClientConnectionCounts()
    let partialFrames: PartialFrameBudget
    /// The TCP listeners' TLS, when configured.
    let tls: ReloadableTLS?
    let metrics: ServerMetrics?
    let activeCalls = CallCounter()
    /// The batchers of each event loop of `group`, by method name.
    let batchers: [ObjectIdentifier: [String: any CallBatching]]
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
            configuration: configuration, store: store as any DirectoryStore, masterKeys: store.masterKeys,
            decoyPasswordIterations: store.withDirectory(\.mostCommonPasswordIterations), pool: pool, logger: logger,
            group: group)
    }

    /// - Parameters:
    ///   - store: the open store (the server does not close it); one that keeps `SessionRecords`
    ///     (several nodes) keeps the sessions too.
    ///   - masterKeys: derive and seal the cards' admin keys.
    ///   - decoyPasswordIterations: the cost most stored password hashes have (nil: the pool's).
    ///   - pool: the crypto pool (the server does not shut it down).
    public init(
        configuration: ServerConfiguration,
        store: any DirectoryStore,
        masterKeys: MasterKeys,
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
        let local = SessionStore(
            idleTimeout: configuration.sessions.idleTimeout, absoluteTimeout: configuration.sessions.absoluteTimeout,
            maximum: configuration.sessions.maximum, maximumPerAccount: configuration.sessions.maximumPerAccount,
            counter: metrics?.sessions)
        // A store several nodes share keeps the sessions too: one made on any node is valid on all.
        let sessions: any SessionTable =
            (store as? any SessionRecords).map { SharedSessionTable(cache: local, records: $0) } ?? local
        let executor = CallExecutor(
            authenticator: SessionAuthenticator(sessions: sessions, store: store), metrics: metrics, logger: logger,
            defaultTimeout: configuration.defaultTimeout)
        self.executor = executor
        let selfService = SelfServiceProvider(
            store: store, sessions: sessions,
            verifier: try Self.verifier(
                configuration, pool: pool, decoyIterations: decoyPasswordIterations, logger: logger),
            secondFactor: SecondFactorCheck(
                policy: configuration.secondFactor, sealer: KeySealer(masterKeys)),
            configuration: configuration, logger: logger,
            shuttingDown: { executor.shuttingDown.load(ordering: .relaxed) })
        var methods = MethodTable(executor: executor)
        selfService.registerMethods(
            with: &methods,
            unblock: UnblockPinOfflineBatch(
                store: store, masterKeys: masterKeys, policy: configuration.unblockPolicy, logger: logger),
            pool: pool)
        AdminProvider(
            store: store, sessions: sessions, pool: pool, masterKeys: masterKeys, configuration: configuration,
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
