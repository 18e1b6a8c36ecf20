// unblock-microbench: times the wire and crypto hot paths; run in release with Scripts/microbench.

#if DEBUG
    print("WARNING: debug build; figures are meaningless. Use: swift run -c release unblock-microbench")
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
var results: [Measurement] = []
if arguments.isEmpty || arguments.contains("wire") { results += try WireBenchmarks.run() }
// Off the main actor: top-level code is main-actor isolated, and every hop back to it is a thread wake-up.
if arguments.isEmpty || arguments.contains("crypto") {
    results += try await Task.detached { try await CryptoBenchmarks.run() }.value
}
if arguments.isEmpty || arguments.contains("store") {
    results.append(try await Task.detached { try await StoreBenchmarks.durableCommits() }.value)
}
if arguments.contains("audit") { results += AuditBenchmarks.run() }
if arguments.isEmpty || arguments.contains("totp") { results += try SecondFactorBenchmarks.run() }
if let index = arguments.firstIndex(of: "audit-store"), arguments.count > index + 1 {
    results += try await Task.detached { try await AuditBenchmarks.runOnStore(in: arguments[index + 1]) }.value
}
// The 1,000,000-card figures: build and snapshot in one process, load in a fresh one (for its memory).
if let index = arguments.firstIndex(of: "store-build"), arguments.count > index + 1 {
    let folder = arguments[index + 1]
    results.append(try await StoreBenchmarks.buildLargeStore(in: folder, cards: 1_000_000))
}
if let index = arguments.firstIndex(of: "store-load"), arguments.count > index + 1 {
    let (measurement, resident) = try StoreBenchmarks.loadLargeStore(in: arguments[index + 1])
    results.append(measurement)
    print("store: resident memory after load: \(resident / 1_048_576) MiB (target <= 1536 MiB)")
}
if let index = arguments.firstIndex(of: "store-commit"), arguments.count > index + 1 {
    results += try await StoreBenchmarks.commitDuringSnapshot(in: arguments[index + 1])
}
for result in results {
    print(result.line)
    if result.name.hasPrefix("pool: 3DES") || result.name.hasPrefix("store: durable") {
        print(String(repeating: " ", count: 52) + " = \(Int(1e9 / result.medianNanoseconds)) per second")
    }
}
