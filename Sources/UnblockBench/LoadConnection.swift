// One connection's load, driven on its event loop: closed loop (a new call per answer) or open loop (a fixed rate).
import NIOCore
import Synchronization
import UnblockWire

/// How requests are paced.
enum Pacing: Sendable {
    /// Keep `inFlight` calls outstanding: each answer triggers the next call.
    case closed(inFlight: Int)
    /// Send at `perSecond` on this connection, measuring latency from each call's intended
    /// send time, so that a stalled server cannot hide its stall (no coordinated omission).
    case open(perSecond: Double)
}

/// Drives one connection. Everything runs on the channel's event loop: no locks, no hops.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var workload: Workload
    private let pacing: Pacing
    private let recorder: Recorder.Shard
    private let budget: RequestBudget
    private let stopAt: NIODeadline
    private let finished: EventLoopPromise<Void>
    private var sentAt: [UInt64: NIODeadline] = [:]
    private var nextCallID: UInt64 = 1
    private var openStart = NIODeadline.now()
    private var openSent = 0
    /// Open loop: the timer for the next request's intended send time.
    private var ticker: Scheduled<Void>?
    private var stopped = false
    /// Calls written since the last flush: flushed once per read, so that the calls sent in
    /// answer to one read share a system call.
    private var unflushed = false

    init(
        workload: Workload, pacing: Pacing, recorder: Recorder.Shard, budget: RequestBudget, stopAt: NIODeadline,
        finished: EventLoopPromise<Void>
    ) {
        self.workload = workload
        self.pacing = pacing
        self.recorder = recorder
        self.budget = budget
        self.stopAt = stopAt
        self.finished = finished
    }

    func channelActive(context: ChannelHandlerContext) {
        switch pacing {
        case .closed(let inFlight):
            for _ in 0..<inFlight { send(context, intended: .now()) }
            context.flush()
        case .open(let perSecond):
            openStart = .now()
            scheduleTick(context, perSecond: perSecond)
        }
        context.fireChannelActive()
    }

    private func tick(_ context: ChannelHandlerContext, perSecond: Double) {
        let now = NIODeadline.now()
        guard now < stopAt, !stopped else { return stop(context) }
        // Request k is due at start + k / rate: by now, every k <= elapsed * rate is due.
        let due = Int(Double((now - openStart).nanoseconds) / 1e9 * perSecond) + 1
        while openSent < due {
            let intended = openStart + .nanoseconds(Int64(Double(openSent) / perSecond * 1e9))
            openSent += 1
            send(context, intended: intended)
        }
        context.flush()
        scheduleTick(context, perSecond: perSecond)
    }

    /// Wakes the loop when the next request is due, and not before: a fixed fine-grained
    /// timer per connection would cost the harness most of a core. A late wake-up counts as
    /// latency (from the intended time).
    private func scheduleTick(_ context: ChannelHandlerContext, perSecond: Double) {
        guard !stopped else { return }
        let next = openStart + .nanoseconds(Int64(Double(openSent) / perSecond * 1e9))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        ticker = context.eventLoop.scheduleTask(deadline: next) {
            let (handler, context) = loopBound.value
            handler.tick(context, perSecond: perSecond)
        }
    }

    private func send(_ context: ChannelHandlerContext, intended: NIODeadline) {
        guard !stopped, budget.take() else { return stop(context) }
        var buffer = context.channel.allocator.buffer(capacity: 160)
        let callID = nextCallID
        nextCallID += 1
        workload.nextRequest(callID: callID, into: &buffer)
        sentAt[callID] = intended
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        guard let frame = try? ResponseFrame(buffer: payload), let sent = sentAt.removeValue(forKey: frame.callID)
        else {
            if (try? ResponseFrame(buffer: payload))?.callID == 0 { stop(context) }
            return
        }
        let latency = NIODeadline.now() - sent
        recorder.record(latencyMicros: UInt64(max(0, latency.nanoseconds / 1_000)), status: frame.statusCode)
        if case .closed = pacing {
            if NIODeadline.now() < stopAt {
                send(context, intended: .now())
                unflushed = true
            } else {
                stop(context)
            }
        }
        if stopped && sentAt.isEmpty { finished.succeed() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ticker?.cancel()
        finished.succeed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func stop(_ context: ChannelHandlerContext) {
        stopped = true
        ticker?.cancel()
        if sentAt.isEmpty { finished.succeed() }
    }
}

/// The total number of requests allowed (--requests), shared by the connections.
final class RequestBudget: Sendable {
    private let remaining: Atomic<Int>
    init(_ total: Int?) { remaining = Atomic(total ?? .max) }

    /// Takes one request from the budget; false when it is used up.
    func take() -> Bool {
        remaining.wrappingSubtract(1, ordering: .relaxed).oldValue > 0
    }
}
