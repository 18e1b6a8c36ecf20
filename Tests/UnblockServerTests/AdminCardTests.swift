// Admin.GetCard, SetCardState, ResetResponseLimit and TransferCard through a real server.
import Testing
import UnblockClient
import UnblockCore
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct AdminCardTests {
    /// A distinct 16-byte challenge for the AES card, as hex.
    static func challenge(_ number: Int) -> String { String(format: "%032X", 0xC0FFEE00 + number) }

    @Test(arguments: Transport.allCases)
    func theHelpDeskSuspendsAndOnlyAnAdministratorMakesTheCardActiveAgain(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let (alice, desk) = (try await server.login("alice", transport), try await server.login("desk", transport))
            let suspended = try await desk.setCardState(serial: Demo.aliceContractor, state: .suspended)
            #expect(suspended.changed && suspended.card.card.state == .suspended)
            #expect(try await desk.setCardState(serial: Demo.aliceContractor, state: .suspended).changed == false)
            let refused = await status {
                try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(1))
            }
            #expect(refused == .failedPrecondition)
            #expect(
                await status { try await desk.setCardState(serial: Demo.aliceContractor, state: .active) }
                    == .permissionDenied)
            let admin = try await server.login("admin", transport)
            #expect(try await admin.setCardState(serial: Demo.aliceContractor, state: .active).changed)
            _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(1))
            let events = server.store.withDirectory { $0.recentAudit.filter { $0.action == "set-card-state" } }
            #expect(events.map(\.actor) == ["desk", "desk", "admin"])
            #expect(events.map(\.outcome) == ["success", "unchanged", "success"])
        }
    }

    @Test func aRevokedCardRefusesEverythingAndKeepsItsHistory() async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", .unix)
            _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(1))
            let admin = try await server.login("admin", .unix)
            #expect(try await admin.setCardState(serial: Demo.aliceContractor, state: .revoked).changed)
            let unblock = await status {
                try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(2))
            }
            #expect(unblock == .failedPrecondition)
            for state in [CardState.active, .suspended] {
                #expect(
                    await status { try await admin.setCardState(serial: Demo.aliceContractor, state: state) }
                        == .failedPrecondition, "\(state)")
            }
            #expect(
                await status { try await admin.resetResponseLimit(serial: Demo.aliceContractor) } == .failedPrecondition
            )
            #expect(
                await status { try await admin.transferCard(serial: Demo.aliceContractor, owner: "bob") }
                    == .failedPrecondition)
            let card = try await admin.getCard(serial: Demo.aliceContractor)
            #expect(card.card.state == .revoked && card.recentResponses.count == 1)
        }
    }

    @Test func aResetLimitAllowsASixthResponseButNoReplay() async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", .unix)
            for number in 1...5 {
                _ = try await alice.unblockPinOffline(
                    card: .serial(Demo.aliceContractor), challenge: Self.challenge(number))
            }
            let sixth = {
                try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(6))
            }
            #expect(await status { _ = try await sixth() } == .resourceExhausted)
            let desk = try await server.login("desk", .unix)
            let before = try await desk.getCard(serial: Demo.aliceContractor)
            #expect(before.responsesInWindow == 5 && before.responseLimit == 5)
            #expect(before.recentResponses.count == 5 && before.recentResponses.allSatisfy { $0.keyVersion == 1 })
            #expect(before.recentResponses.allSatisfy { $0.challengeHashPrefix.count == 8 })
            #expect(
                before.recentResponses.map(\.atUnixMilliseconds)
                    == before.recentResponses.map(\.atUnixMilliseconds).sorted(by: >))

            let reset = try await desk.resetResponseLimit(serial: Demo.aliceContractor)
            #expect(
                reset.changed && reset.card.responsesInWindow == 0 && reset.card.responseLimitResetUnixMilliseconds > 0)
            _ = try await sixth()
            let replay = await status {
                try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(3))
            }
            #expect(replay == .failedPrecondition, "an answered challenge stays refused after a reset")
            #expect(try await desk.getCard(serial: Demo.aliceContractor).responsesInWindow == 1)
        }
    }

    @Test func anAdministratorTransfersACard() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            let moved = try await admin.transferCard(serial: Demo.bobEmployee, owner: "alice")
            #expect(moved.changed && moved.card.card.owner == "alice")
            #expect(try await server.login("alice", .unix).listCards().cards.contains { $0.serial == Demo.bobEmployee })
            #expect(try await server.login("bob", .unix).listCards().cards.isEmpty)
            #expect(try await admin.transferCard(serial: Demo.bobEmployee, owner: "alice").changed == false)
            #expect(
                await status { try await admin.transferCard(serial: Demo.bobEmployee, owner: "nobody") } == .notFound)
            let detail = server.store.withDirectory { $0.recentAudit.first { $0.action == "transfer-card" }?.detail }
            #expect(detail?.contains("from=bob to=alice") == true, "\(detail ?? "")")
        }
    }

    @Test func badRequestsAreRefusedInWords() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            #expect(await status { try await admin.getCard(serial: "0000") } == .notFound)
            #expect(
                await status { try await admin.setCardState(serial: Demo.bobEmployee, state: .unspecified) }
                    == .invalidArgument)
            #expect(
                await status { try await admin.setCardState(serial: Demo.bobEmployee, state: .retired) }
                    == .invalidArgument)
        }
    }

    @Test func aResetAndTheResponsesKeyVersionsSurviveARestart() async throws {
        try await withTemporaryDirectory { folder in
            try await TestServer.with(folder: folder) { server in
                let alice = try await server.login("alice", .unix)
                _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: Self.challenge(1))
                _ = try await server.login("desk", .unix).resetResponseLimit(serial: Demo.aliceContractor)
            }
            try await TestServer.with(folder: folder) { server in
                let card = try await server.login("desk", .unix).getCard(serial: Demo.aliceContractor)
                #expect(card.responsesInWindow == 0 && card.responseLimitResetUnixMilliseconds > 0)
                #expect(card.recentResponses.map(\.keyVersion) == [1])
            }
        }
    }
}
