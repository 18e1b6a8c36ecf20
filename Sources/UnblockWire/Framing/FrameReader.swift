// Splits what a channel reads into frames and passes each on: FrameDecoder's rule, in a handler of its own.
import NIOCore

/// Passes on each frame's payload, as `ByteToMessageHandler(FrameDecoder())` would.
///
/// NIO's handler is generic over its decoder and, from another module, runs unspecialized:
/// it looked up type metadata for every frame (~3 % of the server's time answering Health
/// and ListCards). This one knows its decoder. A partial frame waits, copied out of the
/// read buffer (so that NIO can reuse that buffer), for the bytes that complete it; a
/// length over the limit is reported with `fireErrorCaught` before a byte of the frame is
/// buffered, and nothing that connection sends afterwards is read.
public final class FrameReader: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private var decoder: FrameDecoder
    /// The start of a frame whose remaining bytes have not arrived yet.
    private var partial: ByteBuffer?
    private var failed = false

    /// - Parameter maximumFrameLength: largest payload accepted (default 4 MiB).
    public init(maximumFrameLength: Int = WireLimits.defaultMaxFrameBytes) {
        decoder = FrameDecoder(maximumFrameLength: maximumFrameLength)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var buffer = unwrapInboundIn(data)
        if var earlier = partial {
            partial = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        do {
            while let frame = try decoder.decode(buffer: &buffer) {
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            failed = true
            context.fireErrorCaught(error)
            return
        }
        if buffer.readableBytes > 0 {
            var copy = context.channel.allocator.buffer(capacity: buffer.readableBytes)
            copy.writeBuffer(&buffer)
            partial = copy
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // A partial frame at the end is dropped: the peer went away mid-frame.
        partial = nil
        context.fireChannelInactive()
    }
}
