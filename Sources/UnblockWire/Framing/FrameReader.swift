// Splits what a channel reads into frames and passes each on: FrameDecoder's rule, in a handler of its own.
import NIOCore
import UnblockProtobufBridge

/// Passes on each frame's payload, as `ByteToMessageHandler(FrameDecoder())` would.
///
/// NIO's handler is generic over its decoder and, from another module, runs unspecialized
/// (type metadata looked up for every frame); this one knows its decoder. A frame whose
/// remaining bytes have not arrived waits in one buffer sized for the whole frame, so that
/// each read appends only what it brought (a frame sent in small pieces is copied once, not
/// once per piece), and that buffer is taken from the `budget` shared by the server's
/// connections. A length over the limit, or a partial frame the budget cannot hold, is
/// reported with `fireErrorCaught` (`WireError.frameTooLarge`) before a byte of the frame is
/// buffered, and nothing that connection sends afterwards is read.
public final class FrameReader: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private var decoder: FrameDecoder
    private let budget: PartialFrameBudget?
    /// The start of a frame whose remaining bytes have not arrived yet.
    private var partial: ByteBuffer?
    /// What this reader holds of `budget` for `partial`.
    private var reserved = 0
    private var failed = false

    /// - Parameters:
    ///   - maximumFrameLength: largest payload accepted (default 4 MiB, what a client accepts).
    ///   - budget: shared by the connections whose partial frames it bounds; nil for none.
    public init(maximumFrameLength: Int = WireLimits.defaultMaxFrameBytes, budget: PartialFrameBudget? = nil) {
        decoder = FrameDecoder(maximumFrameLength: maximumFrameLength)
        self.budget = budget
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var buffer = unwrapInboundIn(data)
        var assembling = false
        if var pending = partial {
            partial = nil  // so that `pending` is the buffer's only reference: appended in place
            pending.writeBuffer(&buffer)
            buffer = pending
            assembling = true
        }
        do {
            while let frame = try decoder.decode(buffer: &buffer) {
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            fail(context, error)
            return
        }
        guard buffer.readableBytes > 0 else {
            setReserved(0)
            return
        }
        let needed =
            buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map {
                FrameDecoder.lengthPrefixSize + Int($0)
            } ?? FrameDecoder.lengthPrefixSize
        // The same frame, still arriving, in the buffer already sized for it.
        if assembling && buffer.readerIndex == 0 && buffer.capacity >= needed {
            partial = buffer
            return
        }
        // A frame starts: one buffer for all of it, these bytes copied into it once.
        guard setReserved(needed) else {
            fail(
                context,
                WireError(
                    code: .frameTooLarge,
                    message: "the server holds as many partly received frames as it can; send each frame whole"))
            return
        }
        var copy = context.channel.allocator.buffer(capacity: needed)
        copy.writeBuffer(&buffer)
        partial = copy
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // A partial frame at the end is dropped: the peer went away mid-frame.
        partial = nil
        setReserved(0)
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        partial = nil
        setReserved(0)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        failed = true
        partial = nil
        setReserved(0)
        context.fireErrorCaught(error)
    }

    /// Holds `bytes` of the budget instead of what was held; false when they do not fit.
    @discardableResult
    private func setReserved(_ bytes: Int) -> Bool {
        guard let budget, bytes != reserved else { return true }
        budget.release(reserved)
        reserved = 0
        guard budget.reserve(bytes) else { return false }
        reserved = bytes
        return true
    }
}
