// Closes a connection that has been idle too long (no reads and no writes).
import NIOCore

/// Closes its channel once nothing has been read or written for `timeout`.
///
/// NIO's `IdleStateHandler` follows writes through a promise per write (an allocation and a
/// callback for every answer, ~5 % of the server's time for ListCards). This notes the time
/// once per read and once per flush instead, and checks it with one timer, moved on only
/// when it fires.
final class IdleCloser: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var lastActivity = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        lastActivity = .now()
        context.fireChannelReadComplete()
    }

    func flush(context: ChannelHandlerContext) {
        lastActivity = .now()
        context.flush()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard check == nil else { return }
        lastActivity = .now()
        schedule(context, at: lastActivity + timeout)
    }

    private func stop() {
        check?.cancel()
        check = nil
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.expire(context) }
    }

    private func expire(_ context: ChannelHandlerContext) {
        let due = lastActivity + timeout
        if due <= .now() {
            check = nil
            context.close(promise: nil)
        } else {
            schedule(context, at: due)
        }
    }
}
