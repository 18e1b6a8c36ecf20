// unblock-microbench: times the wire and crypto hot paths; run in release with Scripts/microbench.

#if DEBUG
    print("WARNING: debug build; figures are meaningless. Use: swift run -c release unblock-microbench")
#endif

let arguments = CommandLine.arguments.dropFirst()
var results: [Measurement] = []
if arguments.isEmpty || arguments.contains("wire") { results += try WireBenchmarks.run() }
// Off the main actor: top-level code is main-actor isolated, and every hop back to it is a thread wake-up.
if arguments.isEmpty || arguments.contains("crypto") {
    results += try await Task.detached { try await CryptoBenchmarks.run() }.value
}
for result in results {
    print(result.line)
    if result.name.hasPrefix("pool: 3DES") {
        print(String(repeating: " ", count: 52) + " = \(Int(1e9 / result.medianNanoseconds)) responses/s")
    }
}
