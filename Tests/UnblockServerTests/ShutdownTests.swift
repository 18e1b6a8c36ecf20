// Graceful shutdown: new calls are refused UNAVAILABLE and Health says NOT_SERVING while a call in flight finishes.
import StorageFaults
import Testing
import UnblockClient
import UnblockWire

@Suite struct ShutdownTests {
    @Test(.timeLimit(.minutes(1)), arguments: Transport.allCases)
    func newCallsAreUnavailableWhileACallInFlightFinishes(_ transport: Transport) async throws {
        let faults = Faults()
        try await TestServer.with(storage: FaultyStorage(faults: faults)) { server in
            let alice = try await server.login("alice", transport)
            let bob = try await server.login("bob", transport)
            let inFlight = try await server.unblockHeldAtTheDisk(by: alice, faults: faults)
            await server.shutDown()
            // Once Health says NOT_SERVING the server is shutting down (the disk itself is fine)...
            while try await bob.health().status == .serving {
                try await Task.sleep(for: .milliseconds(5))
            }
            // ...and a new call on a connection that is still open is refused by the server.
            do {
                _ = try await bob.listCards()
                Issue.record("ListCards was answered during shutdown")
            } catch let error as UnblockClientError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("shutting down"), "\(error.message)")
            }
            // The call in flight is still answered, once its record is durable.
            faults.holdSyncs(false)
            let answer = try await inFlight.value
            #expect(answer.responseBytes.count == 16)
        }
    }
}

extension TestServer {
    /// An unblock of Alice's contractor card by `client`, held at the disk: when this returns
    /// it is recorded in memory but not durable, so still in flight, until
    /// `faults.holdSyncs(false)`.
    func unblockHeldAtTheDisk(
        by client: UnblockClient,
        faults: Faults
    ) async throws -> Task<UnblockPinOfflineResponse, any Error> {
        faults.holdSyncs(true)
        let inFlight = Task {
            try await client.unblockPinOffline(
                card: .serial(Demo.aliceContractor), challenge: String(repeating: "A1", count: 16))
        }
        while store.withDirectory({ $0.card(serial: Demo.aliceContractor)?.responses.count }) != 1 {
            try await Task.sleep(for: .milliseconds(5))
        }
        return inFlight
    }
}
