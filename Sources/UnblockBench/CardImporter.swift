// Imports new cards into the harness's server through ImportDirectory while the load runs.
import Foundation
import UnblockClient
import UnblockCrypto
import UnblockWire

/// Imports `cards` new cards (AES-128 keys, owners among the harness's users) in calls of
/// 200, as an administrator would split a large file, and keeps how long it took.
actor CardImporter {
    static let cardsPerCall = 200

    let target: BindAddress
    let cards: Int
    let owners: Int
    /// The first characters of every serial, so that two importers never collide.
    let serialPrefix: String
    private(set) var report: String?
    /// For the JSON result: cards, calls and seconds.
    private(set) var summary: [String: Double]?

    let connector: Connector

    init(target: BindAddress, connector: Connector, cards: Int, owners: Int, serialPrefix: String = "C1") {
        self.serialPrefix = serialPrefix
        self.target = target
        self.connector = connector
        self.cards = cards
        self.owners = owners
    }

    func run() async throws {
        let admin = try connector.client(target, timeout: .seconds(120))
        defer { Task { await admin.close() } }
        try await admin.authenticate(username: "bench-admin", password: ManagedServer.adminPassword)
        let clock = ContinuousClock()
        let started = clock.now
        var calls = 0
        for first in stride(from: 0, to: cards, by: Self.cardsPerCall) {
            let entries = try (first..<min(cards, first + Self.cardsPerCall)).map { index -> [String: Any] in
                [
                    "serial": serialPrefix + String(format: "%012X", index),
                    "owner": ManagedServer.username(index % owners),
                    "profile": ManagedServer.profile,
                    "adminKey": ["algorithm": "aes128", "hex": HexFormat.plain(try SecureRandom.bytes(16))],
                ]
            }
            let file = try JSONSerialization.data(withJSONObject: ["cards": entries])
            _ = try await admin.importDirectory([UInt8](file))
            calls += 1
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        summary = ["cards": Double(cards), "calls": Double(calls), "seconds": seconds]
        report = String(
            format: "import        %d cards in %.2f s (%d ImportDirectory calls, %.0f cards per second)", cards,
            seconds,
            calls, Double(cards) / max(0.001, seconds))
    }
}
