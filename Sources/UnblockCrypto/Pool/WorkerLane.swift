// A fixed set of Dispatch workers sharing one bounded queue; each worker owns its cipher contexts.
import DequeModule
import Dispatch
import Synchronization

/// Runs jobs on `workers` serial Dispatch queues, never on the caller's thread.
///
/// The queue is bounded: a job over `queueLimit` fails at once with `.overloaded`, so
/// load beyond capacity turns into fast RESOURCE_EXHAUSTED answers instead of latency.
/// A woken worker drains up to `batchSize` jobs per lock, which amortises the wake-up
/// under load. After `shutdown()` no job is accepted; queued jobs still run.
final class WorkerLane: Sendable {
    private struct State {
        var queue: Deque<any PoolJob> = []
        var idleWorkers: [Int]
        let workerCount: Int
        var accepting = true
        var drainedWaiters: [CheckedContinuation<Void, Never>] = []

        var isDrained: Bool { queue.isEmpty && idleWorkers.count == workerCount }
    }

    private final class Worker: Sendable {
        let queue: DispatchQueue
        let cipher: Mutex<BlockCipher>

        init(label: String) throws(CryptoError) {
            queue = DispatchQueue(label: label, qos: .userInitiated)
            cipher = Mutex(try BlockCipher())
        }
    }

    let name: String
    let queueLimit: Int
    /// How long an idle worker keeps polling before it parks (0: park at once).
    private let idleSpin: Duration
    /// Jobs enqueued and not yet taken, readable without the lock (for spinning workers).
    private let pending = Atomic<Int>(0)
    private let batchSize: Int
    private let workers: [Worker]
    private let state: Mutex<State>

    init(name: String, workers: Int, queueLimit: Int, batchSize: Int, idleSpin: Duration = .zero) throws(CryptoError) {
        self.idleSpin = idleSpin
        precondition(workers >= 1 && queueLimit >= 1 && batchSize >= 1)
        self.name = name
        self.queueLimit = queueLimit
        self.batchSize = batchSize
        var made: [Worker] = []
        for index in 0..<workers { made.append(try Worker(label: "unblock.crypto.\(name).\(index)")) }
        self.workers = made
        state = Mutex(State(idleWorkers: Array((0..<workers).reversed()), workerCount: workers))
    }

    /// Queues `job`, waking an idle worker if there is one.
    /// - Returns: whether a worker can start the job at once (no backlog ahead of it).
    /// - Throws: `.overloaded` when the queue is full, `.shutDown` after `shutdown()`.
    @discardableResult
    func enqueue(_ job: any PoolJob) throws(CryptoError) -> Bool {
        let (wake, prompt): (Int?, Bool) = try state.withLock { (state) throws(CryptoError) in
            guard state.accepting else {
                throw CryptoError(code: .shutDown, message: "the crypto pool is shutting down")
            }
            guard state.queue.count < queueLimit else {
                throw CryptoError(
                    code: .overloaded,
                    message: "the crypto pool's \(name) queue is full (\(queueLimit) jobs); try again shortly"
                )
            }
            state.queue.append(job)
            pending.add(1, ordering: .relaxed)
            return (state.idleWorkers.popLast(), state.queue.count <= state.workerCount)
        }
        if let wake {
            workers[wake].queue.async { self.drain(worker: wake) }
        }
        return prompt
    }

    /// Stops accepting jobs and returns once every queued job has run.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let drained = state.withLock { state in
                state.accepting = false
                if state.isDrained { return true }
                state.drainedWaiters.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }

    /// Runs `body` on each worker's cipher state, between the worker's jobs.
    func withEachCipher(_ body: (BlockCipher) -> Void) {
        for worker in workers { worker.cipher.withLock { body($0) } }
    }

    /// Number of jobs waiting for a worker.
    var queuedJobs: Int { state.withLock { $0.queue.count } }

    private func drain(worker index: Int) {
        let worker = workers[index]
        while true {
            spinUntilWork()
            let (batch, waiters) = state.withLock { state -> ([any PoolJob], [CheckedContinuation<Void, Never>]) in
                guard !state.queue.isEmpty else {
                    state.idleWorkers.append(index)
                    guard state.isDrained, !state.accepting else { return ([], []) }
                    defer { state.drainedWaiters = [] }
                    return ([], state.drainedWaiters)
                }
                let count = min(batchSize, state.queue.count)
                var batch: [any PoolJob] = []
                batch.reserveCapacity(count)
                for _ in 0..<count { batch.append(state.queue.removeFirst()) }
                pending.subtract(count, ordering: .relaxed)
                return (batch, [])
            }
            guard !batch.isEmpty else {
                for waiter in waiters { waiter.resume() }
                return
            }
            worker.cipher.withLock { cipher in
                for job in batch { job.execute(cipher) }
            }
        }
    }

    /// Polls briefly for new work before the worker parks: waking a parked thread costs
    /// tens of microseconds on a virtual machine, far more than most jobs here.
    private func spinUntilWork() {
        guard idleSpin > .zero, pending.load(ordering: .relaxed) == 0 else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: idleSpin)
        while pending.load(ordering: .relaxed) == 0 && clock.now < deadline {}
    }
}
