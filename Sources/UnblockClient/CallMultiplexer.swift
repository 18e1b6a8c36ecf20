// Matches response frames to the calls waiting for them, by call id, on one connection.
import NIOCore
import UnblockProtobufBridge
import UnblockWire

/// A call on its way out: its frame, and where its answer goes.
struct OutgoingCall: Sendable {
    let callID: UInt64
    let frame: ByteBuffer
    let timeout: TimeAmount
    let promise: EventLoopPromise<ResponseFrame>
}

/// The client side of the protocol on one channel. Calls complete in whatever order the
/// server answers; a call whose deadline passes fails then and its late answer is dropped;
/// when the connection fails, every call still waiting fails at once.
final class CallMultiplexer: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutgoingCall
    typealias OutboundOut = ByteBuffer

    private var pending: [UInt64: (promise: EventLoopPromise<ResponseFrame>, timeout: Scheduled<Void>)] = [:]
    /// Until a first frame parses, an unreadable one means the peer is not unblockd at all.
    private var spokeTheProtocol = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = context.eventLoop.scheduleTask(in: call.timeout) {
            loopBound.value.complete(
                call.callID,
                with: .failure(
                    UnblockClientError(code: .deadlineExceeded, message: "no answer within the call's deadline")))
        }
        pending[call.callID] = (call.promise, timeout)
        context.write(wrapOutboundOut(call.frame)).whenFailure { error in
            loopBound.value.complete(
                call.callID,
                with: .failure(
                    UnblockClientError(code: .unavailable, message: "could not send the call: \(error)")))
        }
        promise?.succeed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        do {
            let frame = try ResponseFrame(buffer: payload)
            spokeTheProtocol = true
            if frame.callID == 0 {
                // A connection-level error: the server closes after it.
                failAll(UnblockClientError(frame))
            } else {
                complete(frame.callID, with: .success(frame))
            }
        } catch {
            failAll(
                spokeTheProtocol
                    ? UnblockClientError(code: .internal, message: "the server sent a malformed frame: \(error)")
                    : UnblockClientError(code: .unavailable, message: ForeignServer(guess: nil).message))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(UnblockClientError(code: .unavailable, message: "the connection to the server was closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let message =
            switch error {
            case let error as ForeignServer: error.message
            case is WireError where !spokeTheProtocol: ForeignServer(guess: nil).message
            default: "the connection failed: \(error)"
            }
        failAll(UnblockClientError(code: .unavailable, message: message))
        context.close(promise: nil)
    }

    private func complete(_ callID: UInt64, with result: Result<ResponseFrame, any Error>) {
        guard let call = pending.removeValue(forKey: callID) else { return }
        call.timeout.cancel()
        call.promise.completeWith(result)
    }

    private func failAll(_ error: UnblockClientError) {
        let calls = pending
        pending = [:]
        for call in calls.values {
            call.timeout.cancel()
            call.promise.fail(error)
        }
    }
}
