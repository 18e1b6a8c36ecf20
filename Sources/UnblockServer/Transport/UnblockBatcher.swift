// Gathers the UnblockPinOffline calls an event loop starts in one pass and hands them to the crypto pool together.
import NIOCore
import UnblockCrypto

/// One per event loop. The calls its connections start while the loop handles one round
/// of ready sockets go to a crypto worker as one job, are recorded in one commit, and come
/// back in one hop. While a loop's batch is with the pool or the disk, the calls that
/// arrive wait and leave together when it is answered: they would have waited for the
/// journal's next sync anyway, and fewer batches mean fewer wake-ups. On two shared cores a
/// thread wake-up costs more than the call's cipher; batching turns several wake-ups
/// (worker, store lock, journal, loop) per call into a few per batch, and batches grow
/// with the load.
final class UnblockBatcher: Sendable {
    /// An answer for one call, run on the loop.
    typealias Answer = (ByteBuffer) -> Void

    private struct State {
        var plans: [SelfServiceHandler.UnblockPlan] = []
        var answers: [Answer] = []
        var submitScheduled = false
        /// Pool jobs of this loop not yet answered: while there are any, new calls wait and
        /// go together when they are answered (they would wait for the next sync anyway).
        var outstanding = 0
        var nextBatch: UInt64 = 0
        /// Answers of the batches handed to the pool, by batch.
        var waiting: [UInt64: [Answer]] = [:]
    }

    /// Calls per pool job: beyond it a round is split, which bounds how long one commit holds
    /// the store's write lock (the loops' reads wait behind it); large enough that a busy
    /// loop's round is not split into many small commits.
    static let maximumBatch = 256

    let eventLoop: any EventLoop
    private let handler: SelfServiceHandler
    private let state: NIOLoopBoundBox<State>

    init(eventLoop: any EventLoop, handler: SelfServiceHandler) {
        self.eventLoop = eventLoop
        self.handler = handler
        state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Queues a call; `answer` runs on the loop with its answer frame. Call on the loop.
    func add(_ plan: SelfServiceHandler.UnblockPlan, answer: @escaping Answer) {
        state.value.plans.append(plan)
        state.value.answers.append(answer)
        guard !state.value.submitScheduled, state.value.outstanding == 0 else { return }
        state.value.submitScheduled = true
        // Runs after the loop has handled the sockets that are ready now.
        eventLoop.execute { self.submit() }
    }

    private func submit() {
        let (plans, answers) = (state.value.plans, state.value.answers)
        state.value.plans = []
        state.value.answers = []
        state.value.submitScheduled = false
        var start = 0
        while start < plans.count {
            let end = min(start + Self.maximumBatch, plans.count)
            submit(Array(plans[start..<end]), answers: Array(answers[start..<end]))
            start = end
        }
    }

    private func submit(_ plans: [SelfServiceHandler.UnblockPlan], answers: [Answer]) {
        let batch = state.value.nextBatch
        state.value.nextBatch &+= 1
        state.value.waiting[batch] = answers
        state.value.outstanding += 1
        let (handler, loop) = (handler, eventLoop)
        do {
            try handler.pool.submit { cipher in
                handler.finishUnblockPinOffline(plans, cipher: cipher) { frames in
                    loop.execute { self.deliver(batch, frames) }
                }
            }
        } catch {
            // Overloaded or shutting down: every call of the batch is told at once.
            deliver(batch, plans.map { handler.executor.answer($0.context, started: $0.started, error: error) })
        }
    }

    private func deliver(_ batch: UInt64, _ frames: [ByteBuffer]) {
        guard let answers = state.value.waiting.removeValue(forKey: batch) else { return }
        state.value.outstanding -= 1
        if state.value.outstanding == 0 && !state.value.plans.isEmpty { submit() }
        for (answer, frame) in zip(answers, frames) { answer(frame) }
    }
}
