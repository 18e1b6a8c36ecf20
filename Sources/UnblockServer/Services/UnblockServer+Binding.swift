// Binding the listeners: each accepted connection checked against the limits, TLS first when
// configured, then the frame reader and the call router; stale Unix sockets replaced.
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import UnblockWire

#if canImport(Glibc)
    import Glibc
#endif

extension UnblockServer {
    func bind(_ address: BindAddress) async throws -> NIOAsyncChannel<
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

    func batchers(for loop: any EventLoop) -> [String: any CallBatching] {
        guard let batchers = batchers[ObjectIdentifier(loop)] else {
            preconditionFailure("a connection on an event loop outside the server's group")
        }
        return batchers
    }

    /// Removes a socket file left by a server that is gone; refuses to replace a live one, or
    /// anything that is not a socket (a mistyped path must not delete a file).
    static func removeStaleSocket(at path: String, group: MultiThreadedEventLoopGroup) async throws {
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
    static func address(of channel: any Channel, configured: BindAddress) -> BindAddress {
        guard case .hostname(let host, _) = configured, let port = channel.localAddress?.port else { return configured }
        return .hostname(host, port: port)
    }

    static func checkTCPSafety(_ configuration: ServerConfiguration) throws {
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
