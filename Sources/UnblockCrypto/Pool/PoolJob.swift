// One unit of work on the pool: runs once, or is cancelled or rejected, and resumes its caller exactly once.
import Synchronization

/// A queued job as the lane sees it.
protocol PoolJob: Sendable {
    /// Runs the job on a worker, unless it was cancelled meanwhile.
    func execute(_ cipher: BlockCipher)
    /// Fails the job without running it.
    func reject(_ error: any Error)
}

/// A job whose result goes back to a suspended caller through a continuation.
final class ContinuationJob<Result: Sendable>: PoolJob {
    private enum State {
        case created
        case waiting(CheckedContinuation<Result, any Error>)
        case cancelledBeforeStart
        case done
    }

    private let state = Mutex(State.created)
    private let body: @Sendable (BlockCipher) throws -> Result

    init(_ body: @escaping @Sendable (BlockCipher) throws -> Result) {
        self.body = body
    }

    /// Attaches the caller's continuation; returns false if the caller was already cancelled.
    func attach(_ continuation: CheckedContinuation<Result, any Error>) -> Bool {
        let attached = state.withLock { state in
            guard case .created = state else { return false }
            state = .waiting(continuation)
            return true
        }
        if !attached { continuation.resume(throwing: CancellationError()) }
        return attached
    }

    func execute(_ cipher: BlockCipher) {
        guard let continuation = take() else { return }
        continuation.resume(with: Swift.Result { try body(cipher) })
    }

    func reject(_ error: any Error) {
        take()?.resume(throwing: error)
    }

    /// The caller's task was cancelled: resume it now; a worker that reaches the job skips it.
    func cancel() {
        let continuation: CheckedContinuation<Result, any Error>? = state.withLock { state in
            switch state {
            case .created:
                state = .cancelledBeforeStart
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .cancelledBeforeStart, .done:
                return nil
            }
        }
        continuation?.resume(throwing: CancellationError())
    }

    private func take() -> CheckedContinuation<Result, any Error>? {
        state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done
            return continuation
        }
    }
}
