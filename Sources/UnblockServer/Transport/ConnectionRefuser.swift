// Answers a connection over the maximum with one UNAVAILABLE status frame, then closes it.
import NIOCore
import UnblockWire

/// The whole pipeline of a refused connection.
final class ConnectionRefuser: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        var buffer = ByteBuffer()
        buffer.writeFrame(
            ResponseFrame(
                callID: 0, statusCode: .unavailable, statusMessage: "the server has too many connections; retry later"))
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    /// Whatever the client sends is not read.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
