// Latencies in an HdrHistogram, outcomes by status code, and totals for the progress line.
import Histogram
import Synchronization
import UnblockWire

/// What the connections record, shared (under a lock) so that the progress line and the
/// final report see every connection.
final class Recorder: Sendable {
    struct Totals {
        var histogram = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        var interval = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        var outcomes: [StatusCode: Int] = [:]
        var intervalRequests = 0
        var intervalErrors = 0
        var recording = false
    }

    let state = Mutex(Totals())

    /// Starts counting (after the warm-up): what came before is dropped.
    func startRecording() {
        state.withLock { totals in
            totals = Totals()
            totals.recording = true
        }
    }

    func stopRecording() { state.withLock { $0.recording = false } }

    /// One answered call: latency in microseconds and its status.
    func record(latencyMicros: UInt64, status: StatusCode) {
        state.withLock { totals in
            guard totals.recording else { return }
            _ = totals.histogram.record(max(latencyMicros, 1))
            _ = totals.interval.record(max(latencyMicros, 1))
            totals.outcomes[status, default: 0] += 1
            totals.intervalRequests += 1
            if status != .ok { totals.intervalErrors += 1 }
        }
    }

    /// The last interval's requests, errors and p99, resetting the interval.
    func takeInterval() -> (requests: Int, errors: Int, p99: UInt64) {
        state.withLock { totals in
            defer {
                totals.interval.reset()
                totals.intervalRequests = 0
                totals.intervalErrors = 0
            }
            return (totals.intervalRequests, totals.intervalErrors, totals.interval.valueAtPercentile(99))
        }
    }
}
