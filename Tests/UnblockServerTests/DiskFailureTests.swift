// A disk that fails under the server: writes answer UNAVAILABLE, reads go on, Health says NOT_SERVING.
import StorageFaults
import Testing
import UnblockClient
import UnblockStore
import UnblockTesting

@Suite struct DiskFailureTests {
    @Test(arguments: Transport.allCases)
    func afterAFailedSyncWritesAreUnavailableAndReadsGoOn(_ transport: Transport) async throws {
        let faults = Faults()
        try await TestServer.with(storage: FaultyStorage(faults: faults)) { server in
            let alice = try await server.login("alice", transport)
            _ = try await alice.unblockPinOffline(
                card: .serial(Demo.aliceContractor), challenge: String(repeating: "11", count: 16))
            faults.failNextSyncs()

            #expect(
                await status {
                    try await alice.unblockPinOffline(
                        card: .serial(Demo.aliceContractor), challenge: String(repeating: "22", count: 16))
                } == .unavailable)
            // Nothing is retried as if it were safe: later writes are refused too, at once.
            #expect(
                await status {
                    try await alice.unblockPinOffline(
                        card: .serial(Demo.aliceContractor), challenge: String(repeating: "33", count: 16))
                } == .unavailable)
            let cards = try await alice.listCards().cards
            #expect(cards.count == 3, "reads go on")
            let health = try await server.client(transport).health()
            #expect(health.status == .notServing)
        }
    }
}
