// The authorization matrix: every call x (no session, expired session, self-service, help desk, admin, deactivated user).
import Foundation
import Testing
import UnblockClient
import UnblockCore
import UnblockTesting
import UnblockWire

@Suite struct AuthorizationTests {
    enum Caller: String, CaseIterable, Sendable {
        case noSession, expiredSession, selfService, helpdesk, admin, deactivated
        /// Active, but with no role at all: neither self-service nor administration.
        case noRoles
    }

    enum Call: String, CaseIterable, Sendable {
        case health, logout, listOwnCards, listOthersCards, enableProcess, disableProcess, unblockOwnCard,
            unblockOthersCard, getUser, unlockUser, getCard, suspendCard, resetLimit, transferCard, listUsers,
            listProfiles, createProfile, listAudit, createUser, updateUser, setPassword, registerCard, rotateKey,
            importDirectory, backup
    }

    /// What the help desk may do, and administrators too (the role table of docs/PROTOCOL.md).
    static let helpdeskCalls: Set<Call> = [
        .listOthersCards, .getUser, .unlockUser, .getCard, .suspendCard, .resetLimit, .listUsers, .listProfiles,
        .listAudit,
    ]
    /// What only administrators may do.
    static let adminCalls: Set<Call> = [
        .enableProcess, .disableProcess, .transferCard, .createProfile, .createUser, .updateUser, .setPassword,
        .registerCard, .rotateKey, .importDirectory, .backup,
    ]

    /// What each caller gets from each call (nil: success).
    static func expected(_ call: Call, _ caller: Caller) -> StatusCode? {
        if call == .health { return nil }
        switch caller {
        case .noSession, .expiredSession, .deactivated: return .unauthenticated
        default: break
        }
        // The unblock is for a card's owner with the self-service role only; any other card
        // answers as a card that does not exist.
        if call == .unblockOwnCard { return caller == .selfService ? nil : .notFound }
        if call == .unblockOthersCard { return .notFound }
        // A database has its own backup tools: the shared store offers no online backup.
        if call == .backup && caller == .admin && TestStore.current == .postgres { return .unimplemented }
        if adminCalls.contains(call) { return caller == .admin ? nil : .permissionDenied }
        if helpdeskCalls.contains(call) { return caller == .admin || caller == .helpdesk ? nil : .permissionDenied }
        return nil
    }

    @Test(arguments: Transport.allCases)
    func everyCallForEveryKindOfCaller(_ transport: Transport) async throws {
        try await TestServer.with(configure: {
            $0.sessions.idleTimeout = .milliseconds(400)
            $0.unblockPolicy.maxResponsesPerWindow = 1_000
        }) { server in
            var challenge: UInt64 = 0x1000
            for caller in Caller.allCases {
                for call in Call.allCases {
                    let client = try await Self.client(for: caller, server, transport)
                    challenge += 1
                    let got = await status { try await Self.perform(call, client, challenge: challenge) }
                    #expect(got == Self.expected(call, caller), "\(call) as \(caller)")
                    if caller == .deactivated { try await Self.setBob(active: true, server) }
                    if caller == .noRoles { try await Self.setAliceRoles(.selfService, server) }
                }
            }
        }
    }

    static func client(for caller: Caller, _ server: TestServer, _ transport: Transport) async throws -> UnblockClient {
        switch caller {
        case .noSession:
            return server.client(transport)
        case .expiredSession:
            let client = try await server.login("alice", transport)
            try await Task.sleep(for: .milliseconds(600))
            return client
        case .selfService:
            return try await server.login("alice", transport)
        case .helpdesk:
            return try await server.login("desk", transport)
        case .admin:
            return try await server.login("admin", transport)
        case .deactivated:
            let client = try await server.login("bob", transport)
            try await setBob(active: false, server)
            return client
        case .noRoles:
            let client = try await server.login("alice", transport)
            try await setAliceRoles([], server)
            #expect(try await client.listCards().cards.allSatisfy { $0.possibleActions.isEmpty })
            return client
        }
    }

    /// Sets alice's roles (none for the cell, self-service again after it).
    static func setAliceRoles(_ roles: Roles, _ server: TestServer) async throws {
        try await server.store.commit { directory in
            var alice = directory.account(username: "alice")!
            alice.roles = roles
            return ([.account(alice)], ())
        }
    }

    /// Deactivates or reactivates bob (after the call, for the next cell).
    static func setBob(active: Bool, _ server: TestServer) async throws {
        try await server.store.commit { directory in
            var bob = directory.account(username: "bob")!
            bob.state = active ? .active : .inactive
            return ([.account(bob)], ())
        }
    }

    static func perform(_ call: Call, _ client: UnblockClient, challenge: UInt64) async throws {
        let hex = String(format: "%032llX", challenge)
        switch call {
        case .health: _ = try await client.health()
        case .logout: try await client.logout()
        case .listOwnCards: _ = try await client.listCards()
        case .listOthersCards: _ = try await client.listCards(username: "bob")
        case .enableProcess: _ = try await client.enableProcess(profile: "Contractor Card")
        case .disableProcess: _ = try await client.disableProcess(profile: "Employee Card")
        case .unblockOwnCard:
            _ = try await client.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: hex)
        case .unblockOthersCard: _ = try await client.unblockPinOffline(card: .serial(Demo.bobEmployee), challenge: hex)
        case .getUser: _ = try await client.getUser(username: "bob")
        case .unlockUser: _ = try await client.unlockUser(username: "bob")
        // On cards no other cell uses, changing nothing: the cells stay independent.
        case .getCard: _ = try await client.getCard(serial: Demo.bobEmployee)
        case .suspendCard: _ = try await client.setCardState(serial: Demo.aliceSuspended, state: .suspended)
        case .resetLimit: _ = try await client.resetResponseLimit(serial: Demo.bobEmployee)
        case .transferCard: _ = try await client.transferCard(serial: Demo.carolContractor, owner: "carol")
        case .listUsers: _ = try await client.listUsers()
        case .listProfiles: _ = try await client.listProfiles()
        // Only the administrator's cell makes it, once per server.
        case .createProfile: _ = try await client.createProfile(name: "Matrix Card")
        case .listAudit: _ = try await client.listAuditEvents(ListAuditEventsRequest())
        case .createUser:
            _ = try await client.createUser(
                CreateUserRequest(username: "matrix-user", secret: .password("a long enough password")))
        case .updateUser:
            _ = try await client.updateUser(UpdateUserRequest(username: "bob", displayName: "Bob Example"))
        case .setPassword:
            _ = try await client.setPassword(username: "carol", secret: .password("carol's new password"))
        case .registerCard:
            _ = try await client.registerCard(
                RegisterCardRequest(
                    serial: "04FEED", owner: "carol", profile: "Employee Card",
                    key: NewAdminKey(algorithm: .aes128, source: .derive)))
        case .rotateKey:
            _ = try await client.rotateCardKey(
                serial: Demo.carolContractor,
                key: NewAdminKey(
                    algorithm: .unspecified, source: .keyBytes((0..<16).map { UInt8(truncatingIfNeeded: $0 * 37 + 3) }))
            )
        case .importDirectory: _ = try await client.importDirectory(Array("{}".utf8))
        case .backup:
            let folder = "/tmp/ubauth-\(UInt32.random(in: 0...UInt32.max))"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try await client.backup(to: folder)
        }
    }
}
