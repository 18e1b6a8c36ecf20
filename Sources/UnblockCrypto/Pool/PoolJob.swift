// One unit of work on the pool: runs at most once, and hands its result to its caller exactly once.
import Synchronization

/// A queued job as the lane sees it.
protocol PoolJob: Sendable {
    /// Runs the job on a worker, unless its caller was cancelled before it started.
    func execute(_ cipher: BlockCipher)
}

/// A job whose caller either polls for the result briefly or suspends on a continuation.
///
/// The job is queued before its caller suspends, so a fast job may finish first: the
/// result then waits in the job, and the caller takes it without ever suspending.
final class ContinuationJob<Output: Sendable>: PoolJob {
    private enum State {
        /// Queued; the caller has not suspended yet.
        case queued
        case queuedWithWaiter(CheckedContinuation<Output, any Error>)
        case running
        case runningWithWaiter(CheckedContinuation<Output, any Error>)
        /// Finished before the caller suspended.
        case finished(Result<Output, any Error>)
        /// The caller gave up before a worker started the job, with this error.
        case cancelled(any Error)
        /// The result was handed over.
        case delivered
    }

    private let state = Mutex(State.queued)
    /// Set once the result is stored, so that a polling caller need not take the lock.
    private let hasFinished = Atomic(false)
    private let body: @Sendable (BlockCipher) throws -> Output

    init(_ body: @escaping @Sendable (BlockCipher) throws -> Output) {
        self.body = body
    }

    func execute(_ cipher: BlockCipher) {
        let proceed = state.withLock { state in
            switch state {
            case .queued:
                state = .running
                return true
            case .queuedWithWaiter(let continuation):
                state = .runningWithWaiter(continuation)
                return true
            default:
                return false
            }
        }
        guard proceed else { return }
        let result = Result { try body(cipher) }
        let waiter: CheckedContinuation<Output, any Error>? = state.withLock { state in
            switch state {
            case .runningWithWaiter(let continuation):
                state = .delivered
                return continuation
            case .delivered:
                // Its caller gave up while it ran (`cancel`): the result goes unheard.
                return nil
            default:
                state = .finished(result)
                return nil
            }
        }
        if let waiter {
            waiter.resume(with: result)
        } else {
            hasFinished.store(true, ordering: .releasing)
        }
    }

    /// Polls for the result until `deadline`; nil if the job has not finished by then.
    func poll(until deadline: ContinuousClock.Instant) -> Result<Output, any Error>? {
        let clock = ContinuousClock()
        while !hasFinished.load(ordering: .acquiring) {
            guard clock.now < deadline else { return nil }
        }
        return state.withLock { state in
            guard case .finished(let result) = state else { return nil }
            state = .delivered
            return result
        }
    }

    /// Suspends the caller until the result is there (or resumes at once if it already is).
    func attach(_ continuation: CheckedContinuation<Output, any Error>) {
        let ready: Result<Output, any Error>? = state.withLock { state in
            switch state {
            case .queued:
                state = .queuedWithWaiter(continuation)
                return nil
            case .running:
                state = .runningWithWaiter(continuation)
                return nil
            case .finished(let result):
                state = .delivered
                return result
            case .cancelled(let error):
                state = .delivered
                return .failure(error)
            case .queuedWithWaiter, .runningWithWaiter, .delivered:
                preconditionFailure("a pool job has one caller")
            }
        }
        if let ready { continuation.resume(with: ready) }
    }

    /// The caller gave up (its task was cancelled, or its deadline passed): it resumes now
    /// with `error`. A job not yet started never runs; a running one finishes unheard (a
    /// password hash can take a second, and its caller's deadline may be long past).
    func cancel(with error: any Error = CancellationError()) {
        let waiter: CheckedContinuation<Output, any Error>? = state.withLock { state in
            switch state {
            case .queued:
                state = .cancelled(error)
                return nil
            case .queuedWithWaiter(let continuation), .runningWithWaiter(let continuation):
                state = .delivered
                return continuation
            default:
                return nil
            }
        }
        waiter?.resume(throwing: error)
    }
}

/// A job that runs a closure and is done: the closure itself hands its result on.
struct CallbackJob: PoolJob {
    let body: @Sendable (BlockCipher) -> Void

    init(_ body: @escaping @Sendable (BlockCipher) -> Void) {
        self.body = body
    }

    func execute(_ cipher: BlockCipher) { body(cipher) }
}
