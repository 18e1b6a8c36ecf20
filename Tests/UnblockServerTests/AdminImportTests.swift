// Admin.ImportDirectory through a real server: all or nothing, the three modes, a card imported and used at once.
import Foundation
import Testing
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockTesting
import UnblockWire

@Suite struct AdminImportTests {
    static let key = "00112233445566778899AABBCCDDEEF1"

    /// A file with one new user and card, and bob (who exists) renamed.
    static func file(bobName: String = "Bob Renamed", key: String = key, state: String = "active") -> [UInt8] {
        Array(
            """
            {"users": [
              {"username": "dora", "displayName": "Dora Example", "password": "dora's long password"},
              {"username": "bob", "displayName": "\(bobName)", "password": "bob's long password"}
            ],
            "cards": [
              {"serial": "04D0A0000001", "owner": "dora", "profile": "Contractor Card", "state": "\(state)",
               "adminKey": {"algorithm": "aes128", "hex": "\(key)"}}
            ]}
            """.utf8)
    }

    @Test func anExistingEntryFailsTheWholeImportByDefault() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            let failure = await status { try await admin.importDirectory(Self.file()) }
            #expect(failure == .invalidArgument)
            do {
                _ = try await admin.importDirectory(Self.file())
            } catch let error as UnblockClientError {
                #expect(
                    error.message.contains("$.users[1].username: a user named \"bob\" already exists"),
                    "\(error.message)")
            }
            #expect(server.store.withDirectory { $0.account(username: "dora") } == nil, "nothing was imported")
            #expect(
                await status { try await server.login("desk", .unix).importDirectory(Self.file()) } == .permissionDenied
            )
        }
    }

    @Test func skipAddsTheNewAndLeavesTheRest() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            let summary = try await admin.importDirectory(Self.file(), existing: .skip)
            #expect((summary.usersAdded, summary.cardsAdded, summary.updated, summary.skipped) == (1, 1, 0, 1))
            #expect(server.store.withDirectory { $0.account(username: "bob")?.displayName } == "Bob Example")
            // Dora logs in and unblocks her new card at once; the response is the key's, by openssl.
            let dora = server.client(.unix)
            try await dora.authenticate(username: "dora", password: "dora's long password")
            let challenge = [UInt8](repeating: 0x5A, count: 16)
            let response = try await dora.unblockPinOffline(
                card: .serial("04D0A0000001"), challenge: challenge.map { String(format: "%02X", $0) }.joined())
            let key = try #require(HexFormat.bytes(Self.key))
            #expect(response.responseBytes == (try opensslEncrypt(challenge, key: key, algorithm: "aes128")))
        }
    }

    @Test func updateChangesWhatDiffersAndRotatesOnlyAnotherKey() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            _ = try await admin.importDirectory(Self.file(), existing: .skip)
            let same = try await admin.importDirectory(Self.file(), existing: .update)
            #expect((same.usersAdded, same.updated) == (0, 2), "bob renamed; dora's password hashed again")
            #expect(server.store.withDirectory { $0.account(username: "bob")?.displayName } == "Bob Renamed")
            #expect(try await admin.getCard(serial: "04D0A0000001").card.keyVersion == 1, "the same key: no rotation")
            let rekeyed = try await admin.importDirectory(
                Self.file(key: "FFEEDDCCBBAA99887766554433221100", state: "suspended"), existing: .update)
            #expect(rekeyed.updated >= 1)
            let card = try await admin.getCard(serial: "04D0A0000001")
            #expect(card.card.keyVersion == 2 && card.card.state == .suspended)
            let event = server.store.withDirectory { $0.recentAudit.last { $0.action == "import" } }
            #expect(event?.actor == "admin" && event?.detail.contains("existing=update") == true)
        }
    }
}
