// Caps the calls in flight on one connection: the reader waits for a free slot before reading on.
import Synchronization

/// A counting semaphore for async code. The connection's reader acquires a slot per call
/// and does not read the next frame until it has one, so a client that pipelines more than
/// the limit is slowed by TCP backpressure instead of growing the server's memory.
final class CallLimiter: Sendable {
    private struct State {
        var available: Int
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: limit))
    }

    /// Takes a slot, waiting for one if none is free. Only the connection's reader calls it.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                guard state.available == 0 else {
                    state.available -= 1
                    return true
                }
                state.waiter = continuation
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Returns a slot, waking the reader if it waits for one.
    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.available += 1
            return nil
        }
        waiter?.resume()
    }
}
