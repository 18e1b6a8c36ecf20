// A raw socket to the server, for sending arbitrary bytes and reading frames back.
import NIOCore
import NIOPosix
import UnblockWire

/// A connection with no client logic: bytes out, frames in.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// - Parameter source: the local address to connect from (TCP), e.g. 127.0.0.2 to be another client.
    static func open(_ address: BindAddress, from source: String? = nil) async throws -> RawConnection {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = {
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
            while frames.count < count, let payload = try await iterator.next() {
                frames.append(try ResponseFrame(buffer: payload))
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

    /// Closes the connection through the async channel, which also finishes its writer.
    func close() async {
        try? await channel.executeThenClose { _, _ in }
    }
}
