// The queue an audit observer works on: ordered, and bounded, so that a slow disk or log never
// makes memory grow without end.
import Dispatch
import Synchronization
import UnblockCore

/// Runs an observer's work in order on a queue of its own, holding at most `limit` events
/// waiting; beyond that, events are dropped and counted (the audit trail in the store keeps
/// them all), and `report` hears how many once the queue has room again.
final class ObserverQueue: Sendable {
    private let queue: DispatchQueue
    private let limit: Int
    private let state = Mutex<(waiting: Int, dropped: Int)>((0, 0))
    private let report: @Sendable (Int) -> Void

    init(label: String, limit: Int = 100_000, report: @escaping @Sendable (Int) -> Void) {
        queue = DispatchQueue(label: label)
        self.limit = limit
        self.report = report
    }

    /// Queues `work` for `events`, unless `limit` events already wait.
    func submit(_ events: [AuditEvent], _ work: @escaping @Sendable ([AuditEvent]) -> Void) {
        let accepted = state.withLock { state -> Bool in
            guard state.waiting + events.count <= limit else {
                state.dropped += events.count
                return false
            }
            state.waiting += events.count
            return true
        }
        guard accepted else { return }
        queue.async {
            work(events)
            let dropped = self.state.withLock { state -> Int in
                state.waiting -= events.count
                defer { state.dropped = 0 }
                return state.dropped
            }
            if dropped > 0 { self.report(dropped) }
        }
    }

    /// Waits until everything queued is done.
    func flush() { queue.sync {} }

    /// Runs `body` after everything queued so far.
    func sync<Result>(_ body: () throws -> Result) rethrows -> Result { try queue.sync(execute: body) }
}
