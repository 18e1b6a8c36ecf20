// Admin.RegisterCard and RotateCardKey through a real server, the responses checked with the openssl command line.
import Testing
import UnblockClient
import UnblockCore
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct AdminKeyTests {
    static let serial = "04DEADBEEF0001"

    static func randomKey(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    /// Unblocks `serial` as bob with a fresh challenge; checks the response against openssl
    /// with `key` when given.
    static func unblock(
        _ bob: UnblockClient, key: [UInt8]?, algorithm: String = "aes128"
    ) async throws -> UnblockPinOfflineResponse {
        let challenge = randomKey(16)
        let response = try await bob.unblockPinOffline(
            card: .serial(serial), challenge: challenge.map { String(format: "%02X", $0) }.joined())
        if let key {
            #expect(response.responseBytes == (try opensslEncrypt(challenge, key: key, algorithm: algorithm)))
        }
        return response
    }

    @Test(arguments: Transport.allCases)
    func aCardRegisteredLiveAnswersAtOnceAndARotatedKeyAnswersWithItsVersion(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", transport)
            let key = Self.randomKey(16)
            let registered = try await admin.registerCard(
                RegisterCardRequest(
                    serial: Self.serial.lowercased(), owner: "bob", profile: "Contractor Card",
                    key: NewAdminKey(algorithm: .aes128, source: .keyBytes(key))))
            #expect(registered.card.card.serial == Self.serial && registered.card.card.keyVersion == 1)
            let zeroBlock = [UInt8](repeating: 0, count: 16)
            #expect(
                registered.card.keyCheckValue
                    == Array(try opensslEncrypt(zeroBlock, key: key, algorithm: "aes128")!.prefix(3)))
            let bob = try await server.login("bob", transport)
            #expect(try await Self.unblock(bob, key: key).keyVersion == 1)

            let newKey = Self.randomKey(16)
            let rotated = try await admin.rotateCardKey(
                serial: Self.serial, key: NewAdminKey(algorithm: .unspecified, source: .keyBytes(newKey)))
            #expect(rotated.card.card.keyVersion == 2)
            #expect(try await Self.unblock(bob, key: newKey).keyVersion == 2)

            let derived = try await admin.rotateCardKey(
                serial: Self.serial, key: NewAdminKey(algorithm: .aes256, source: .derive))
            #expect(derived.card.card.keyVersion == 3 && derived.card.card.keyAlgorithm == .aes256)
            #expect(try await Self.unblock(bob, key: nil).keyVersion == 3)
            #expect(
                await status {
                    try await admin.rotateCardKey(
                        serial: Self.serial, key: NewAdminKey(algorithm: .aes256, source: .derive))
                } == .failedPrecondition, "the same derived key again")
            let versions = try await admin.getCard(serial: Self.serial).recentResponses.map(\.keyVersion)
            #expect(versions == [3, 2, 1])
            let events = server.store.withDirectory {
                $0.recentAudit.filter { $0.action.hasSuffix("card-key") || $0.action == "register-card" }
            }
            #expect(events.map(\.action) == ["register-card", "rotate-card-key", "rotate-card-key"])
            let hex = key.map { String(format: "%02X", $0) }.joined()
            #expect(events.allSatisfy { !$0.detail.uppercased().contains(hex) }, "never the key")
        }
    }

    @Test func whatAnAdministratorSendsIsCheckedAndRefusedInWords() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            func register(
                _ serial: String = "04AB", owner: String = "bob", profile: String = "Employee Card",
                state: CardState = .active, key: NewAdminKey? = NewAdminKey(algorithm: .aes128, source: .derive)
            ) async -> StatusCode? {
                await status {
                    try await admin.registerCard(
                        RegisterCardRequest(serial: serial, owner: owner, profile: profile, state: state, key: key))
                }
            }
            #expect(await register(Demo.bobEmployee) == .alreadyExists)
            #expect(await register("not hex") == .invalidArgument)
            #expect(await register(owner: "nobody") == .notFound)
            #expect(await register(profile: "No Such Card") == .notFound)
            #expect(await register(state: .revoked) == .invalidArgument)
            #expect(await register(key: nil) == .invalidArgument)
            #expect(await register(key: NewAdminKey(algorithm: .unspecified, source: .derive)) == .invalidArgument)
            let zeros = NewAdminKey(algorithm: .aes128, source: .keyBytes([UInt8](repeating: 0, count: 16)))
            #expect(await register(key: zeros) == .invalidArgument, "an all-zero key")
            let short = NewAdminKey(algorithm: .tripleDES, source: .keyBytes(Self.randomKey(16)))
            #expect(await register(key: short) == .invalidArgument, "a 16-byte 3DES key")
            #expect(await register() == nil)
            let desk = try await server.login("desk", .unix)
            #expect(
                await status {
                    try await desk.rotateCardKey(serial: "04AB", key: NewAdminKey(algorithm: .aes192, source: .derive))
                } == .permissionDenied)
        }
    }
}
