// Gathers the calls of a batched method an event loop starts in one pass and hands them to the crypto pool together.
import NIOCore
import UnblockCrypto
import UnblockWire

/// What the router needs of a batcher, whatever its method.
package protocol CallBatching: Sendable {
    /// Starts a call on the event loop: its refusal frame at once, or nil when it is queued
    /// (then `answer` runs on the loop with its answer frame).
    func start(
        _ frame: RequestFrame, connection: ConnectionIdentity, answer: @escaping (ByteBuffer) -> Void
    ) -> ByteBuffer?
}

/// One per event loop and batched method. The calls its connections start while the loop
/// handles one round of ready sockets go to a crypto worker as one job, and come back in one
/// hop. While a loop's batch is with the pool or the disk, the calls that arrive wait and
/// leave together when it is answered: they would have waited for the journal's next sync
/// anyway, and batches grow with the load.
final class CallBatcher<Batch: BatchedMethod>: CallBatching {
    typealias Answer = (ByteBuffer) -> Void

    private struct State {
        var plans: [Batch.Plan] = []
        var calls: [Call] = []
        var answers: [Answer] = []
        var submitScheduled = false
        /// Pool jobs of this loop not yet answered.
        var outstanding = 0
        var nextBatch: UInt64 = 0
        /// The calls of the batches handed to the pool, by batch.
        var waiting: [UInt64: (calls: [Call], answers: [Answer])] = [:]
    }

    /// Calls per pool job: beyond it a round is split, which bounds how long one commit holds
    /// the store's write lock (the loops' reads wait behind it); large enough that a busy
    /// loop's round is not split into many small commits.
    static var maximumBatch: Int { 256 }

    private let batch: Batch
    private let eventLoop: any EventLoop
    private let pool: CryptoPool
    private let executor: CallExecutor
    private let state: NIOLoopBoundBox<State>

    init(_ batch: Batch, eventLoop: any EventLoop, pool: CryptoPool, executor: CallExecutor) {
        self.batch = batch
        self.eventLoop = eventLoop
        self.pool = pool
        self.executor = executor
        state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    func start(
        _ frame: RequestFrame, connection: ConnectionIdentity, answer: @escaping (ByteBuffer) -> Void
    ) -> ByteBuffer? {
        start(frame, connection: connection, sessionLoaded: false, answer: answer)
    }

    private func start(
        _ frame: RequestFrame, connection: ConnectionIdentity, sessionLoaded: Bool,
        answer: @escaping (ByteBuffer) -> Void
    ) -> ByteBuffer? {
        let call = executor.makeCall(frame, connection: connection)
        let plan: Batch.Plan
        do {
            let request = try executor.decode(Batch.Method.self, frame, call)
            plan = try executor.authenticator.withCallerNow(call) { caller, view in
                try batch.plan(request, caller: caller, view: view, context: call.context)
            }
        } catch is SessionNotHeld where !sessionLoaded {
            // Made on another node: fetched from the shared table, then started again here.
            let (authenticator, loop) = (executor.authenticator, eventLoop)
            let answerLater = NIOLoopBound(answer, eventLoop: loop)
            let executor = executor
            Task {
                let failure = await authenticator.load(of: call)
                loop.execute {
                    let answer = answerLater.value
                    if let failure {
                        answer(executor.failed(call, failure))
                    } else if let refusal = self.start(
                        frame, connection: connection, sessionLoaded: true, answer: answer)
                    {
                        answer(refusal)
                    }
                }
            }
            return nil
        } catch is SessionNotHeld {
            return executor.failed(call, RPCError.unauthenticated)
        } catch {
            return executor.failed(call, error)
        }
        state.value.plans.append(plan)
        state.value.calls.append(call)
        state.value.answers.append(answer)
        if !state.value.submitScheduled && state.value.outstanding == 0 {
            state.value.submitScheduled = true
            // Runs after the loop has handled the sockets that are ready now.
            eventLoop.execute { self.submit() }
        }
        return nil
    }

    private func submit() {
        let (plans, calls, answers) = (state.value.plans, state.value.calls, state.value.answers)
        state.value.plans = []
        state.value.calls = []
        state.value.answers = []
        state.value.submitScheduled = false
        var start = 0
        while start < plans.count {
            let end = min(start + Self.maximumBatch, plans.count)
            submit(Array(plans[start..<end]), calls: Array(calls[start..<end]), answers: Array(answers[start..<end]))
            start = end
        }
    }

    private func submit(_ plans: [Batch.Plan], calls: [Call], answers: [Answer]) {
        let id = state.value.nextBatch
        state.value.nextBatch &+= 1
        state.value.waiting[id] = (calls, answers)
        state.value.outstanding += 1
        let (batch, loop) = (batch, eventLoop)
        do {
            try pool.submit { cipher in
                batch.finish(plans, cipher: cipher) { outcomes in
                    loop.execute { self.deliver(id, outcomes) }
                }
            }
        } catch {
            // Overloaded or shutting down: every call of the batch is told at once.
            deliver(id, plans.map { _ in .failure(error) })
        }
    }

    private func deliver(_ id: UInt64, _ outcomes: [Result<Batch.Method.Response, any Error>]) {
        guard let (calls, answers) = state.value.waiting.removeValue(forKey: id) else { return }
        state.value.outstanding -= 1
        if state.value.outstanding == 0 && !state.value.plans.isEmpty { submit() }
        for index in calls.indices {
            var frame = ByteBuffer()
            switch outcomes[index] {
            case .success(let response): executor.succeeded(calls[index], response, into: &frame)
            case .failure(let error): executor.failed(calls[index], error, into: &frame)
            }
            answers[index](frame)
        }
    }
}
