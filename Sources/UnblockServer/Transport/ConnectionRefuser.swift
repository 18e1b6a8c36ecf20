// Answers a connection over a limit with one UNAVAILABLE status frame, then closes it.
import NIOCore
import UnblockWire

/// The whole pipeline of a refused connection.
final class ConnectionRefuser: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reason: String

    /// - Parameter reason: the status message, e.g. "the server has too many connections; retry later".
    init(reason: String) {
        self.reason = reason
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = ByteBuffer()
        buffer.writeFrame(
            ResponseFrame(
                callID: 0, statusCode: .unavailable, statusMessage: reason))
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    /// Whatever the client sends is not read.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
