// A raw socket to the server, for sending arbitrary bytes and reading frames back.
import NIOCore
import NIOPosix
import UnblockWire

/// A connection with no client logic: bytes out, frames in. Bytes go straight to the channel,
/// so the async channel has no writer, and a test that fails before closing it fails cleanly.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, Never>

    /// - Parameter source: the local address to connect from (TCP), e.g. 127.0.0.2 to be another client.
    static func open(_ address: BindAddress, from source: String? = nil) async throws -> RawConnection {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, Never>> = {
            channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
            }
        }
        let channel =
            switch address {
            case .unixDomainSocket(let path):
                try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            case .hostname(let host, let port):
                try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            }
        return RawConnection(channel: channel)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends one request frame.
    func send(callID: UInt64, method: String, token: String = "", message: [UInt8]) async throws {
        var buffer = ByteBuffer()
        buffer.writeFrame(
            RequestFrame(callID: callID, method: method, sessionToken: token, message: ByteBuffer(bytes: message)))
        try await channel.channel.writeAndFlush(buffer)
    }

    /// Reads `count` response frames (fewer if the server closes first).
    func responses(_ count: Int) async throws -> [ResponseFrame] {
        var frames: [ResponseFrame] = []
        try await channel.executeThenClose { inbound, _ in
            var iterator = inbound.makeAsyncIterator()
            do {
                while frames.count < count, let payload = try await iterator.next() {
                    frames.append(try ResponseFrame(buffer: payload))
                }
            } catch let error as IOError where error.errnoCode == ECONNRESET {
                // The server closed while bytes of ours were still unread: its reset ends the reading.
            }
        }
        return frames
    }

    /// Whether the server has closed the connection (reads end), within a few seconds.
    func isClosedByServer() async throws -> Bool {
        try await channel.executeThenClose { inbound, _ in
            for try await _ in inbound {}
            return true
        }
    }

    /// Closes the connection.
    func close() async {
        try? await channel.executeThenClose { _, _ in }
    }
}
