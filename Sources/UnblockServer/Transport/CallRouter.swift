// Reads each request frame on the event loop: answers at once what needs no pool or disk, passes the rest on.
import Logging
import NIOCore
import UnblockWire

/// The first reader of a connection's frames.
///
/// Checks the envelope (a malformed or oversized frame: a status frame with call id 0, then
/// close; a call id already in flight: INVALID_ARGUMENT), answers Health, ListCards, Logout
/// and unknown methods on the event loop (flushed once per read, so pipelined calls share a
/// system call), and passes the calls that need the crypto pool or the disk on to the
/// connection's task (`ConnectionHandler`), which caps how many run at once.
///
/// Answers written here are bounded by backpressure: while the socket cannot take more,
/// the connection stops reading.
final class CallRouter: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = RequestFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connectionID: UInt64
    private let handler: SelfServiceHandler
    private let callIDs: CallIDs
    private let logger: Logger
    private var unflushed = false
    private var closing = false
    /// A read held back while the socket could not take more writes.
    private var readHeldBack = false

    init(connectionID: UInt64, handler: SelfServiceHandler, callIDs: CallIDs, logger: Logger) {
        self.connectionID = connectionID
        self.handler = handler
        self.callIDs = callIDs
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame: RequestFrame
        do {
            frame = try RequestFrame(buffer: unwrapInboundIn(data))
            guard frame.callID != 0 else {
                throw WireError(code: .malformedMessage, message: "call_id 0 is reserved")
            }
        } catch {
            fail(context, .invalidArgument, "malformed request frame: \(error); closing the connection")
            return
        }
        if callIDs.contains(frame.callID) {
            var buffer = ByteBuffer()
            buffer.writeFrame(
                ResponseFrame(
                    callID: frame.callID, statusCode: .invalidArgument,
                    statusMessage: "call_id \(frame.callID) is already in flight"))
            write(context, buffer)
        } else if let answer = handler.answerImmediately(frame, connectionID: connectionID) {
            write(context, answer)
        } else {
            callIDs.insert(frame.callID)
            context.fireChannelRead(wrapInboundOut(frame))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? WireError, error.code == .frameTooLarge {
            fail(context, .resourceExhausted, "\(error.message); closing the connection")
        } else {
            context.fireErrorCaught(error)
        }
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readHeldBack = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && readHeldBack {
            readHeldBack = false
            // From the tail, so that the handlers behind this one may hold the read back too.
            context.channel.read()
        }
        context.fireChannelWritabilityChanged()
    }

    private func write(_ context: ChannelHandlerContext, _ buffer: ByteBuffer) {
        context.write(wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    /// A connection-level error: one status frame with call id 0, then the connection closes.
    private func fail(_ context: ChannelHandlerContext, _ code: StatusCode, _ message: String) {
        guard !closing else { return }
        closing = true
        logger.info(
            "closing a connection after a protocol error",
            metadata: ["connection": "\(connectionID)", "reason": "\(message)"])
        var buffer = ByteBuffer()
        buffer.writeFrame(ResponseFrame(callID: 0, statusCode: code, statusMessage: message))
        unflushed = false
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
