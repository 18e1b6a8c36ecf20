// UnblockPinOffline calls that arrive while their loop's batch waits for the disk: they wait for it, then go.
import StorageFaults
import Testing
import UnblockClient
import UnblockWire

@Suite struct BatchingTests {
    @Test(.timeLimit(.minutes(1)), arguments: Transport.allCases)
    func callsArrivingWhileABatchWaitsForTheDiskAreAnsweredAfterIt(_ transport: Transport) async throws {
        let faults = Faults()
        try await TestServer.with(storage: FaultyStorage(faults: faults)) { server in
            let alice = try await server.login("alice", transport)
            // Recorded in memory, not yet durable: the loop's batch is out.
            let first = try await server.unblockHeldAtTheDisk(by: alice, faults: faults)
            // Same connection, same loop: these wait for the batch above instead of being lost.
            let later = (0..<3).map { index in
                Task {
                    try await alice.unblockPinOffline(
                        card: .serial(Demo.aliceContractor),
                        challenge: String(repeating: ["B2", "C3", "D4"][index], count: 16))
                }
            }
            faults.holdSyncs(false)
            let answers = [try await first.value] + (try await later.asyncMap { try await $0.value })
            #expect(answers.allSatisfy { $0.responseBytes.count == 16 })
            #expect(Set(answers.map(\.response)).count == 4)
            #expect(server.store.withDirectory { $0.card(serial: Demo.aliceContractor)?.responses.count } == 4)
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
