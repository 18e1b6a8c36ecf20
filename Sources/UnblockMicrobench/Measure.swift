// Timing harness: repeated samples, reported as median and spread per operation.

/// One benchmark's figures, in nanoseconds per operation.
struct Measurement: Encodable {
    let name: String
    let samples: Int
    let operationsPerSample: Int
    let medianNanoseconds: Double
    let minNanoseconds: Double
    let maxNanoseconds: Double
    let target: String

    var line: String {
        func show(_ nanoseconds: Double) -> String {
            if nanoseconds >= 10_000 { return "\((nanoseconds / 100).rounded() / 10) us" }
            if nanoseconds >= 1_000 { return "\((nanoseconds / 10).rounded() / 100) us" }
            return "\((nanoseconds * 10).rounded() / 10) ns"
        }
        let name = self.name + String(repeating: " ", count: max(0, 52 - self.name.count))
        return
            "\(name) median \(show(medianNanoseconds)) (min \(show(minNanoseconds)), max \(show(maxNanoseconds)))  target: \(target)"
    }
}

extension Measurement {
    /// A figure measured once (a snapshot, a load, one commit): median, min and max alike.
    init(once name: String, nanoseconds: Double, target: String) {
        self.init(
            name: name, samples: 1, operationsPerSample: 1, medianNanoseconds: nanoseconds,
            minNanoseconds: nanoseconds, maxNanoseconds: nanoseconds, target: target)
    }
}

func nanoseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
}

/// Runs `body` `operations` times per sample, after one unmeasured warm-up sample.
func measure(
    _ name: String,
    target: String,
    samples: Int = 15,
    operations: Int,
    _ body: () throws -> Void
) rethrows -> Measurement {
    let clock = ContinuousClock()
    var perOperation: [Double] = []
    for sample in 0...samples {
        let elapsed = try clock.measure { for _ in 0..<operations { try body() } }
        if sample > 0 { perOperation.append(nanoseconds(elapsed) / Double(operations)) }
    }
    return summarize(name, target: target, operations: operations, perOperation)
}

/// The async variant; `body` reports how many operations it did.
func measureAsync(
    _ name: String,
    target: String,
    samples: Int = 15,
    operations: Int,
    _ body: () async throws -> Void
) async rethrows -> Measurement {
    let clock = ContinuousClock()
    var perOperation: [Double] = []
    for sample in 0...samples {
        let start = clock.now
        try await body()
        if sample > 0 { perOperation.append(nanoseconds(clock.now - start) / Double(operations)) }
    }
    return summarize(name, target: target, operations: operations, perOperation)
}

private func summarize(_ name: String, target: String, operations: Int, _ values: [Double]) -> Measurement {
    let sorted = values.sorted()
    return Measurement(
        name: name,
        samples: sorted.count,
        operationsPerSample: operations,
        medianNanoseconds: sorted[sorted.count / 2],
        minNanoseconds: sorted.first!,
        maxNanoseconds: sorted.last!,
        target: target
    )
}
