// Latencies in HdrHistograms, outcomes by status code, and totals for the progress line.
import Histogram
import Synchronization
import UnblockWire

/// What the connections record: one shard per event loop, so that the loops never wait for
/// each other (a single shared lock costs the harness a context switch per call under load);
/// the progress line and the final report merge the shards.
final class Recorder: Sendable {
    struct Totals {
        var histogram = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        var interval = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        var outcomes: [StatusCode: Int] = [:]
        var intervalRequests = 0
        var intervalErrors = 0
        var recording = false
    }

    /// The part of the figures one event loop records into.
    final class Shard: Sendable {
        let state = Mutex(Totals())

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
    }

    let shards: [Shard]

    init(shards: Int) {
        self.shards = (0..<max(1, shards)).map { _ in Shard() }
    }

    /// Starts counting (after the warm-up): what came before is dropped.
    func startRecording() {
        for shard in shards {
            shard.state.withLock { totals in
                totals = Totals()
                totals.recording = true
            }
        }
    }

    func stopRecording() {
        for shard in shards { shard.state.withLock { $0.recording = false } }
    }

    /// The last interval's requests, errors and p99 over every shard, resetting the interval.
    func takeInterval() -> (requests: Int, errors: Int, p99: UInt64) {
        var merged = Totals()
        for shard in shards {
            shard.state.withLock { totals in
                merged.interval.add(totals.interval)
                merged.intervalRequests += totals.intervalRequests
                merged.intervalErrors += totals.intervalErrors
                totals.interval.reset()
                totals.intervalRequests = 0
                totals.intervalErrors = 0
            }
        }
        return (merged.intervalRequests, merged.intervalErrors, merged.interval.valueAtPercentile(99))
    }

    /// Every recorded latency and outcome, over every shard.
    func totals() -> (histogram: Histogram<UInt64>, outcomes: [StatusCode: Int]) {
        var merged = Totals()
        for shard in shards {
            shard.state.withLock { totals in
                merged.histogram.add(totals.histogram)
                merged.outcomes.merge(totals.outcomes, uniquingKeysWith: +)
            }
        }
        return (merged.histogram, merged.outcomes)
    }
}
