// Admin.ListAuditEvents through a real server: filters, pages, order, and following the trail live.
import Testing
import UnblockClient
import UnblockCore
import UnblockTesting
import UnblockWire

@Suite struct AdminAuditTests {
    @Test func filtersPagesAndOrder() async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", .unix)
            _ = try await alice.unblockPinOffline(
                card: .serial(Demo.aliceContractor), challenge: String(repeating: "AB", count: 16))
            _ = await status {
                try await server.client(.unix).authenticate(username: "bob", password: "wrong password")
            }
            let desk = try await server.login("desk", .unix)
            _ = try await desk.setCardState(serial: Demo.aliceContractor, state: .suspended)

            let card = try await desk.listAuditEvents(ListAuditEventsRequest(cardSerial: Demo.aliceContractor))
            #expect(card.events.map(\.action) == ["set-card-state", "unblock-pin-offline"], "newest first")
            let ofAlice = try await desk.listAuditEvents(ListAuditEventsRequest(user: "alice", oldestFirst: true))
            #expect(ofAlice.events.map(\.action) == ["authenticate", "unblock-pin-offline"])
            let refused = try await desk.listAuditEvents(ListAuditEventsRequest(user: "bob", action: "authenticate"))
            #expect(refused.events.map(\.outcome) == ["refused: wrong password"])
            let future = UInt64(Timestamp.now.milliseconds + 60_000)
            #expect(
                try await desk.listAuditEvents(ListAuditEventsRequest(sinceUnixMilliseconds: future)).events.isEmpty)

            // Every event once, in order, however the pages fall.
            let all = try await desk.listAuditEvents(ListAuditEventsRequest(pageSize: 1_000)).events
            #expect(all.count >= 6 && all.map(\.sequence) == all.map(\.sequence).sorted(by: >))
            var paged: [UInt64] = []
            var request = ListAuditEventsRequest(pageSize: 2)
            repeat {
                let page = try await desk.listAuditEvents(request)
                paged += page.events.map(\.sequence)
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty
            #expect(paged == all.map(\.sequence))
            #expect(all.allSatisfy { !$0.detail.contains("demo-password") })
        }
    }

    @Test func aFollowerGetsTheNextEventAsItHappens() async throws {
        try await TestServer.with { server in
            let desk = try await server.login("desk", .unix)
            let last = try await desk.listAuditEvents(ListAuditEventsRequest()).lastSequence
            let quiet = try await desk.listAuditEvents(
                ListAuditEventsRequest(afterSequence: last, waitMilliseconds: 300))
            #expect(quiet.events.isEmpty && quiet.lastSequence == last)
            // A follower asks again after each answer, from the last event it saw.
            async let followed: [AuditEventRecord] = {
                var seen: [AuditEventRecord] = []
                var after = last
                while !seen.contains(where: { $0.action == "unlock-user" }) && seen.count < 20 {
                    let page = try await desk.listAuditEvents(
                        ListAuditEventsRequest(afterSequence: after, waitMilliseconds: 20_000), timeout: .seconds(30))
                    seen += page.events
                    after = page.events.last?.sequence ?? after
                }
                return seen
            }()
            try await Task.sleep(for: .milliseconds(300))
            _ = try await server.login("admin", .unix).unlockUser(username: "bob")
            let events = try await followed
            #expect(events.map(\.action).contains("unlock-user"), "\(events.map(\.action))")
            #expect(events.allSatisfy { $0.sequence > last })
        }
    }

    @Test func refusals() async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", .unix)
            #expect(await status { try await alice.listAuditEvents(ListAuditEventsRequest()) } == .permissionDenied)
            let desk = try await server.login("desk", .unix)
            for request in [
                ListAuditEventsRequest(pageToken: "garbage"), ListAuditEventsRequest(pageSize: 1_001),
                ListAuditEventsRequest(afterSequence: 1, waitMilliseconds: 30_001),
            ] {
                #expect(await status { try await desk.listAuditEvents(request) } == .invalidArgument)
            }
            #expect(
                await status { try await desk.listAuditEvents(ListAuditEventsRequest(cardSerial: "0000")) } == .notFound
            )
        }
    }
}
