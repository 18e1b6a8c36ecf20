// Admin.CreateProfile and ListProfiles through a real server.
import Testing
import UnblockClient
import UnblockTesting
import UnblockWire

@Suite struct AdminProfileTests {
    @Test func aNewProfileOffersNothingUntilAProcessIsEnabled() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            let created = try await admin.createProfile(name: "Visitor Card")
            #expect(created.name == "Visitor Card" && created.enabled.isEmpty)
            #expect(await status { try await admin.createProfile(name: "Visitor Card") } == .alreadyExists)
            #expect(await status { try await admin.createProfile(name: "") } == .invalidArgument)
            #expect(await status { try await admin.createProfile(name: "Tab\tCard") } == .invalidArgument)
            _ = try await admin.enableProcess(profile: "Visitor Card")
            let profiles = try await server.login("desk", .unix).listProfiles()
            #expect(profiles.map(\.name) == ["Contractor Card", "Employee Card", "Visitor Card"])
            #expect(
                profiles.last?.enabled == [ProcessInState(cardState: .active, process: .unblockPinOffline)])
            #expect(server.store.withDirectory { $0.recentAudit.contains { $0.action == "create-profile" } })
        }
    }
}
