// The final figures: a table for people, and JSON for scripts.
import Foundation
import Histogram
import UnblockWire

/// The outcome of one run.
struct BenchResult {
    var call: String
    var transport: String
    var connections: Int
    var inFlight: Int
    var rate: Double?
    var seconds: Double
    var histogram: Histogram<UInt64>
    var outcomes: [StatusCode: Int]
    /// CPU time used while measuring: by the harness's own server (nil for an existing
    /// server) and by the harness.
    var serverCPUSeconds: Double?
    var harnessCPUSeconds: Double?

    var requests: Int { outcomes.values.reduce(0, +) }
    var successes: Int { outcomes[.ok] ?? 0 }
    var errors: [StatusCode: Int] { outcomes.filter { $0.key != .ok } }
    /// Calls answered OK per second: refusals are reported beside it, never counted in it.
    var throughput: Double { seconds > 0 ? Double(successes) / seconds : 0 }
    /// Calls answered per second, refusals included.
    var answeredPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    /// Whether most calls failed: the run measured refusals, not the call.
    var mostlyFailed: Bool { requests == 0 || successes * 2 < requests }

    func percentile(_ value: Double) -> UInt64 { requests == 0 ? 0 : histogram.valueAtPercentile(value) }

    /// Microseconds of CPU per call answered, to one decimal.
    func cpuMicrosPerCall(_ cpuSeconds: Double?) -> Double? {
        guard let cpuSeconds, requests > 0 else { return nil }
        return (cpuSeconds * 1e7 / Double(requests)).rounded() / 10
    }

    var json: [String: Any] {
        var object: [String: Any] = [
            "call": call, "transport": transport, "connections": connections, "inFlight": inFlight,
            "seconds": (seconds * 1_000).rounded() / 1_000, "requests": requests, "successes": successes,
            "throughputPerSecond": Int(throughput.rounded()), "answeredPerSecond": Int(answeredPerSecond.rounded()),
            "errors": Dictionary(uniqueKeysWithValues: errors.map { ("\($0.key)", $0.value) }),
            "latencyMicros": [
                "p50": percentile(50), "p90": percentile(90), "p99": percentile(99), "p999": percentile(99.9),
                "max": requests == 0 ? 0 : histogram.max,
            ],
        ]
        if let rate { object["ratePerSecond"] = rate }
        var cpu: [String: Double] = [:]
        cpu["server"] = cpuMicrosPerCall(serverCPUSeconds)
        cpu["harness"] = cpuMicrosPerCall(harnessCPUSeconds)
        if !cpu.isEmpty { object["cpuMicrosPerCall"] = cpu }
        return object
    }

    /// `| call | transport | load | ok/s | p50 | p90 | p99 | p99.9 | max | errors | server CPU | harness CPU |`
    var markdownRow: String {
        let load = rate.map { "open loop \(Int($0))/s over \(connections) connections" } ?? "\(connections)x\(inFlight)"
        let errorText = errors.isEmpty ? "0" : errors.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
        let cells =
            [call, transport, load, "\(Int(throughput.rounded()))"]
            + [50, 90, 99, 99.9].map { "\(percentile($0))" } + ["\(requests == 0 ? 0 : histogram.max)", errorText]
            + [serverCPUSeconds, harnessCPUSeconds].map { cpuMicrosPerCall($0).map { "\($0)" } ?? "-" }
        return "| " + cells.joined(separator: " | ") + " |"
    }

    var table: String {
        let errorText =
            errors.isEmpty
            ? "0"
            : errors.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
        let pacing = rate.map { "open loop at \(Int($0))/s" } ?? "closed loop"
        return """
            call          \(call) over \(transport)
            load          \(connections) connections x \(inFlight) in flight, \(pacing)
            measured      \(String(format: "%.1f", seconds)) s
            requests      \(requests) (\(successes) ok)
            throughput    \(Int(throughput.rounded())) ok per second (\(Int(answeredPerSecond.rounded())) answered per second)
            errors        \(errorText)
            latency (us)  p50 \(percentile(50))  p90 \(percentile(90))  p99 \(percentile(99))  p99.9 \(percentile(99.9))  max \(requests == 0 ? 0 : histogram.max)
            cpu (us/call) server \(cpuMicrosPerCall(serverCPUSeconds).map { "\($0)" } ?? "-")  harness \(cpuMicrosPerCall(harnessCPUSeconds).map { "\($0)" } ?? "-")
            """
    }
}
