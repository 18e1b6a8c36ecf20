// Reads each request frame on the event loop: answers at once what needs no pool or disk, passes the rest on.
import DequeModule
import Logging
import NIOCore
import UnblockProtobufBridge
import UnblockWire

/// The first reader of a connection's frames.
///
/// Checks the envelope (a malformed or oversized frame, or a call id already in flight: a
/// status frame with call id 0, then close), then runs each call as its method's
/// registration says (`MethodTable`): answered here on the event loop (flushed once per
/// read, so pipelined calls share a system call), started here and finished in batches on
/// the crypto pool (`CallBatcher`, the answer back here once it is durable), or passed on to
/// the connection's task (`ConnectionHandler`). Unknown methods are answered at once.
///
/// Bounded by backpressure: while the socket cannot take more, or `callsInFlight` calls
/// (batched and the task's together) run and more wait, the connection stops reading.
package final class CallRouter: ChannelDuplexHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = RequestFrame
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private let connection: ConnectionIdentity
    private let methods: MethodTable
    /// The batchers of this connection's event loop, by method name.
    private let batchers: [String: any CallBatching]
    private let callIDs: CallIDs
    private let callsInFlight: Int
    private let activeCalls: CallCounter
    private let logger: Logger
    /// Answers since the last flush, in one buffer: one write per flush, not one per answer
    /// (each write through the pipeline costs more than copying a small answer).
    private var output: ByteBuffer?
    private var unflushed = false
    private var flushScheduled = false
    private var closing = false
    private var isOpen = true
    /// Calls started (here or on the connection's task) and not yet answered.
    private var inFlight = 0
    /// Calls that arrived while `callsInFlight` ran (at most one read's worth: reading stops).
    private var waiting: Deque<RequestFrame> = []
    /// Set when the task's answer freed a slot, until waiting calls are started.
    private var slotFreedByTask = false
    /// A read held back by backpressure.
    private var readHeldBack = false

    package init(
        connection: ConnectionIdentity,
        methods: MethodTable,
        batchers: [String: any CallBatching],
        callIDs: CallIDs,
        callsInFlight: Int,
        activeCalls: CallCounter,
        logger: Logger
    ) {
        self.connection = connection
        self.methods = methods
        self.batchers = batchers
        self.callIDs = callIDs
        self.callsInFlight = callsInFlight
        self.activeCalls = activeCalls
        self.logger = logger
    }

    private var mayRead: Bool { waiting.isEmpty && inFlight < callsInFlight }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
            // Not answered on that call id: a client would take it for the first call's answer.
            fail(context, .invalidArgument, "call_id \(frame.callID) is already in flight; closing the connection")
        } else {
            switch methods[frame.method] {
            case .onEventLoop(let answer)?:
                appendAnswer(context) { answer(frame, connection, &$0) }
            case .readingOnEventLoop(let answer, _)?:
                var answered = false
                appendAnswer(context) { answered = answer(frame, connection, &$0) }
                guard !answered else { break }
                callIDs.insert(frame.callID)
                if inFlight < callsInFlight { dispatch(context, frame) } else { waiting.append(frame) }
            case nil:
                appendAnswer(context) { methods.answerUnknown(frame, connection: connection, into: &$0) }
            case .onTask?, .batched?:
                callIDs.insert(frame.callID)
                if inFlight < callsInFlight { dispatch(context, frame) } else { waiting.append(frame) }
            }
        }
    }

    /// Starts a call that needs the pool or the disk: a batched one from here, the others on
    /// the connection's task. Whether it was passed on to the task.
    @discardableResult
    private func dispatch(_ context: ChannelHandlerContext, _ frame: RequestFrame) -> Bool {
        inFlight += 1
        if let batcher = batchers[frame.method] {
            start(context, frame, batcher)
            return false
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return true
    }

    /// Answers from the connection's task pass here: one per call it was given.
    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        inFlight -= 1
        slotFreedByTask = true
        context.write(data, promise: promise)
    }

    package func flush(context: ChannelHandlerContext) {
        context.flush()
        guard slotFreedByTask else { return }
        slotFreedByTask = false
        // Not from inside the task's write: start waiting calls once it has returned.
        context.eventLoop.assumeIsolated().execute {
            self.startWaiting(context)
            self.flushAnswers(context)
            self.resumeReading(context)
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        flushAnswers(context)
        context.fireChannelReadComplete()
    }

    private func flushAnswers(_ context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        writeAnswers(context)
        context.flush()
    }

    private func writeAnswers(_ context: ChannelHandlerContext) {
        guard let answers = output else { return }
        output = nil
        context.write(wrapOutboundOut(answers), promise: nil)
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? WireError, error.code == .frameTooLarge {
            fail(context, .resourceExhausted, "\(error.message); closing the connection")
        } else {
            context.fireErrorCaught(error)
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        for frame in waiting { callIDs.remove(frame.callID) }
        waiting.removeAll()
        context.fireChannelInactive()
    }

    package func read(context: ChannelHandlerContext) {
        if context.channel.isWritable && mayRead {
            context.read()
        } else {
            readHeldBack = true
        }
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading(context)
        context.fireChannelWritabilityChanged()
    }

    private func resumeReading(_ context: ChannelHandlerContext) {
        guard readHeldBack && context.channel.isWritable && mayRead else { return }
        readHeldBack = false
        // From the tail, so that the handlers behind this one may hold the read back too.
        context.channel.read()
    }

    // MARK: Batched calls

    private func start(_ context: ChannelHandlerContext, _ frame: RequestFrame, _ batcher: any CallBatching) {
        activeCalls.increment()
        let callID = frame.callID
        let refusal = batcher.start(frame, connection: connection) { answer in
            self.finished(context, callID: callID, answer)
            self.startWaiting(context)
            self.flushAfterDelivery(context)
        }
        if let refusal { finished(context, callID: callID, refusal) }
    }

    /// A batch delivers its answers one after the other: the connection flushes once after
    /// all of them, not once per answer.
    private func flushAfterDelivery(_ context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flushAnswers(context)
            self.resumeReading(context)
        }
    }

    private func finished(_ context: ChannelHandlerContext, callID: UInt64, _ answer: ByteBuffer) {
        inFlight -= 1
        activeCalls.decrement()
        callIDs.remove(callID)
        if isOpen {
            appendAnswer(context) { answers in
                var answer = answer
                answers.writeBuffer(&answer)
            }
        }
    }

    /// Starts waiting calls while slots are free. Runs outside a read, so a call passed on
    /// to the task is followed by a read-complete: the async channel hands reads over only then.
    private func startWaiting(_ context: ChannelHandlerContext) {
        var passedOn = false
        while isOpen && inFlight < callsInFlight, let frame = waiting.popFirst() {
            passedOn = dispatch(context, frame) || passedOn
        }
        if passedOn { context.fireChannelReadComplete() }
    }

    /// Lets `write` add an answer to the flush's buffer (made with the first answer since the
    /// last write), where the next flush sends it.
    private func appendAnswer(_ context: ChannelHandlerContext, _ write: (inout ByteBuffer) -> Void) {
        var answers = output ?? context.channel.allocator.buffer(capacity: 2_048)
        output = nil  // so that `answers` is the buffer's only reference while it grows
        write(&answers)
        output = answers
        unflushed = true
    }

    /// A connection-level error: one status frame with call id 0, then the connection closes.
    private func fail(_ context: ChannelHandlerContext, _ code: StatusCode, _ message: String) {
        guard !closing else { return }
        closing = true
        logger.info(
            "closing a connection after a protocol error",
            metadata: ["connection": "\(connection.id)", "client": "\(connection.client)", "reason": "\(message)"])
        var buffer = ByteBuffer()
        buffer.writeFrame(ResponseFrame(callID: 0, statusCode: code, statusMessage: message))
        unflushed = false
        writeAnswers(context)
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
