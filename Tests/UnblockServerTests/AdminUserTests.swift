// Admin.GetUser and Admin.UnlockUser through a real server: what the help desk sees, and a lockout lifted.
import Testing
import UnblockClient
import UnblockCore
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct AdminUserTests {
    @Test(arguments: Transport.allCases)
    func theHelpDeskLiftsALockout(_ transport: Transport) async throws {
        try await TestServer.with(configure: { $0.loginPolicy.maxConsecutiveFailures = 3 }) { server in
            let bob = server.client(transport)
            for _ in 0..<3 {
                #expect(
                    await status { try await bob.authenticate(username: "bob", password: "guess") } == .unauthenticated)
            }
            let desk = try await server.login("desk", transport)
            let locked = try await desk.getUser(username: "bob")
            #expect(locked.lockedUntilUnixMilliseconds > UInt64(Timestamp.now.milliseconds))
            #expect(locked.lastLoginUnixMilliseconds == 0, "bob never logged in")
            #expect(locked.cardCount == 1)
            #expect(locked.user.roles == [.selfService])

            let unlocked = try await desk.unlockUser(username: "bob")
            #expect(unlocked.changed)
            #expect(unlocked.user.lockedUntilUnixMilliseconds == 0 && unlocked.user.failedLogins == 0)
            try await bob.authenticate(username: "bob", password: "bob-demo-password")
            #expect(try await desk.getUser(username: "bob").lastLoginUnixMilliseconds > 0)
            #expect(try await desk.unlockUser(username: "bob").changed == false, "idempotent")

            let events = server.store.withDirectory { $0.recentAudit.filter { $0.action == "unlock-user" } }
            #expect(events.map(\.outcome) == ["success", "unchanged"])
            #expect(events.allSatisfy { $0.actor == "desk" && $0.target == "bob" })
        }
    }

    @Test func anUnknownUserIsNotFound() async throws {
        try await TestServer.with { server in
            let desk = try await server.login("desk", .unix)
            #expect(await status { try await desk.getUser(username: "nobody") } == .notFound)
            #expect(await status { try await desk.unlockUser(username: "nobody") } == .notFound)
        }
    }

    @Test func theUnlockSurvivesARestart() async throws {
        try await withTemporaryDirectory { folder in
            let lockAtOnce: (inout ServerConfiguration) -> Void = { $0.loginPolicy.maxConsecutiveFailures = 1 }
            let changed = try await TestServer.with(folder: folder, configure: lockAtOnce) { server in
                _ = await status { try await server.client(.unix).authenticate(username: "bob", password: "guess") }
                let admin = try await server.login("admin", .unix)
                return try await admin.unlockUser(username: "bob").changed
            }
            #expect(changed)
            try await TestServer.with(folder: folder) { server in
                #expect(server.store.withDirectory { $0.account(username: "bob")?.lockedUntil } == nil)
            }
        }
    }
}
