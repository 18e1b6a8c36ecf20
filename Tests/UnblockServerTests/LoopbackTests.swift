// What counts as loopback for plaintext TCP and metrics: addresses parsed, never names matched as text.
import Foundation
import Logging
import Testing
import UnblockCrypto
import UnblockServer
import UnblockStore
import UnblockWire

@Suite struct LoopbackTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("localhost", true),
        // A name that merely starts like a loopback address resolves wherever its owner likes.
        ("127.attacker.example", false), ("127.0.0.1.nip.io", false), ("0.0.0.0", false), ("10.0.0.1", false),
        ("::", false), ("example.com", false),
    ])
    func loopbackIsDecidedByTheAddress(_ host: String, _ loopback: Bool) {
        #expect(BindAddress.isLoopback(host: host) == loopback)
    }

    @Test func plaintextTCPOnANameThatLooksLikeLoopbackIsRefused() async throws {
        let folder = "/tmp/ubloop-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try EmbeddedStore(configuration: EmbeddedStore.Configuration(dataDirectory: folder))
        var poolConfiguration = CryptoPool.Configuration.defaults
        poolConfiguration.passwordIterations = 1_000
        let pool = try CryptoPool(configuration: poolConfiguration)
        func server(on host: String) throws {
            _ = try UnblockServer(
                configuration: ServerConfiguration(listeners: [.hostname(host, port: 0)]), store: store, pool: pool,
                logger: Logger(label: "test"))
        }
        #expect(throws: (any Error).self) { try server(on: "127.attacker.example") }
        try server(on: "127.0.0.2")
        await pool.shutdown()
        try await store.close()
    }
}
