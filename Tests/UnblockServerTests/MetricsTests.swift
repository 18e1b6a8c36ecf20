// The server's metrics, end to end: calls counted by method and status, durations, connections and sessions.
import Prometheus
import Testing
import UnblockClient
import UnblockServer
import UnblockStore
import UnblockTesting
import UnblockWire

@Suite struct MetricsTests {
    /// The registry's text, one line per sample.
    func samples(_ registry: PrometheusCollectorRegistry) -> [String] {
        var text: [UInt8] = []
        registry.emit(into: &text)
        return String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The value of the sample `name{labels}`, nil when it is not there.
    func value(_ lines: [String], _ name: String, _ labels: String = "") -> Double? {
        let prefix = labels.isEmpty ? "\(name) " : "\(name){\(labels)} "
        return lines.first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    @Test(arguments: Transport.allCases)
    func callsAreCountedByMethodAndStatusAndUnknownMethodsShareOneLabel(_ transport: Transport) async throws {
        let registry = PrometheusCollectorRegistry()
        try await TestServer.with(metrics: PrometheusMetricsFactory(registry: registry)) { server in
            let alice = try await server.login("alice", transport)
            _ = try await alice.listCards()
            _ = try await alice.listCards()
            let refused = await status {
                try await alice.unblockPinOffline(card: .serial(Demo.bobEmployee), challenge: "0011223344556677")
            }
            #expect(refused == .notFound)
            let stranger = server.client(transport)
            #expect(await status { try await stranger.listCards() } == .unauthenticated)
            withExtendedLifetime((alice, stranger)) {
                #expect(value(samples(registry), "unblock_open_connections") == 2)
            }
            let raw = try await RawConnection.open(server.address(transport))
            try await raw.send(callID: 1, method: "/made.up/One", message: [])
            try await raw.send(callID: 2, method: "/made.up/Two", message: [])
            #expect(try await raw.responses(2).map(\.statusCode) == [.unimplemented, .unimplemented])

            let lines = samples(registry)
            let calls = "unblock_calls_total"
            #expect(value(lines, calls, #"method="\#(SelfService.ListCards.name)",status="ok""#) == 2)
            #expect(value(lines, calls, #"method="\#(SelfService.ListCards.name)",status="unauthenticated""#) == 1)
            #expect(value(lines, calls, #"method="\#(SelfService.Authenticate.name)",status="ok""#) == 1)
            #expect(value(lines, calls, #"method="\#(SelfService.UnblockPinOffline.name)",status="notFound""#) == 1)
            #expect(value(lines, calls, #"method="unknown",status="unimplemented""#) == 2)
            #expect(!lines.contains { $0.contains("made.up") })
            let durations = "unblock_call_duration_seconds_count"
            #expect(value(lines, durations, #"method="\#(SelfService.ListCards.name)""#) == 3)
            #expect(value(lines, "unblock_sessions") == 1)
            // The logins' audit records were synced; no snapshot yet (the embedded store's journal).
            if let store = server.store as? EmbeddedStore {
                #expect((value(lines, "unblock_journal_sync_duration_seconds_count") ?? 0) >= 1)
                #expect(value(lines, "unblock_snapshot_duration_seconds_count") == 0)
                try await store.snapshot()
                #expect(value(samples(registry), "unblock_snapshot_duration_seconds_count") == 1)
            }

        }
    }
}
