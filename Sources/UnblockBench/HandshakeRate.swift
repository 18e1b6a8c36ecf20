// New connections per second: what a TLS handshake costs the server, measured end to end.
import Foundation
import UnblockWire

/// Connect, one Health call, close; as many loops at once as `--connections`.
enum HandshakeRate {
    static func measure(
        target: BindAddress, connector: Connector, concurrency: Int, warmup: Double, duration: Double,
        serverPID: Int32?
    ) async throws -> String {
        let clock = ContinuousClock()
        let warm = clock.now + .milliseconds(Int64(warmup * 1_000))
        let end = warm + .milliseconds(Int64(duration * 1_000))
        let (latencies, serverCPUBefore) = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var measured: [Duration] = []
                    while clock.now < end {
                        let started = clock.now
                        let client = try connector.client(target, timeout: .seconds(10))
                        _ = try await client.health()
                        await client.close()
                        if started >= warm { measured.append(clock.now - started) }
                    }
                    return measured
                }
            }
            try await clock.sleep(until: warm)
            let cpuBefore = serverPID.flatMap { ProcessCPU.seconds(pid: $0) }
            return (try await group.reduce(into: []) { $0 += $1 }.sorted(), cpuBefore)
        }
        let serverCPU = serverCPUBefore.flatMap { before in
            serverPID.flatMap { ProcessCPU.seconds(pid: $0) }.map { $0 - before }
        }
        func quantile(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let value = latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))]
            return Double(value.components.attoseconds) / 1e12 + Double(value.components.seconds) * 1e6
        }
        let perSecond = Double(latencies.count) / duration
        var line = String(
            format: "connections   %.0f new connections/s (connect, %@Health, close), p50 %.0f us, p99 %.0f us",
            perSecond, connector.tls == nil ? "" : "TLS handshake, ", quantile(0.5), quantile(0.99))
        if let serverCPU, !latencies.isEmpty {
            line += String(format: ", server CPU %.0f us per connection", serverCPU * 1e6 / Double(latencies.count))
        }
        return line
    }
}
