// Logins through the organisation's directory, against a real slapd: accounts made on the first
// login, roles from groups, disabled accounts, lockouts, a directory that is down, directory only.
import Foundation
import Testing
import UnblockClient
import UnblockLDAP
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite(.serialized) struct DirectoryLoginTests {
    static func withDirectoryServer(
        localFirst: Bool = true, selfServiceGroup: Bool = false, _ body: (TestServer, SlapdProcess) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            let slapd = try await SlapdProcess(in: folder, certificates: certificates)
            defer { slapd.stop() }
            var settings = LDAPSettings(
                urls: [slapd.plainURL], lookup: .bindTemplate("uid={username},ou=people,\(SlapdProcess.suffix)"))
            settings.caFile = certificates.caFile
            settings.groupBase = "ou=groups,\(SlapdProcess.suffix)"
            settings.roleGroups = [("helpdesk", "cn=unblock-helpdesk,ou=groups,\(SlapdProcess.suffix)")]
            if selfServiceGroup {
                settings.roleGroups.append(("selfservice", "cn=unblock-helpdesk,ou=groups,\(SlapdProcess.suffix)"))
            }
            settings.disabledWhen = ("employeeType", "disabled")
            settings.timeoutSeconds = 2
            try await TestServer.with(configure: {
                $0.directoryLogin = .init(settings: settings, localFirst: localFirst)
            }) { server in try await body(server, slapd) }
        }
    }

    static func login(_ server: TestServer, _ user: String, _ password: String) async -> UnblockClientError? {
        do {
            try await server.client(.unix).authenticate(username: user, password: password)
            return nil
        } catch {
            return error as? UnblockClientError
        }
    }

    @Test func aDirectoryUserGetsAnAccountAtTheFirstLoginAndThenUnblocksTheirCard() async throws {
        try await Self.withDirectoryServer { server, _ in
            let dora = server.client(.unix)
            let session = try await dora.authenticate(username: "dora", password: "dora-ldap-password")
            #expect(session.user?.displayName == "Dora Directory" && session.user?.roles == [.selfService])
            // A card registered for her by an administrator, in a profile that offers the unblock.
            let admin = try await server.login("admin", .unix)
            _ = try await admin.registerCard(
                RegisterCardRequest(
                    serial: "04D0D0D0D0D001", owner: "dora", profile: "Contractor Card",
                    key: NewAdminKey(algorithm: .aes128, source: .derive)))
            let answer = try await dora.unblockPinOffline(
                card: .serial("04D0D0D0D0D001"), challenge: String(repeating: "3C", count: 16))
            #expect(answer.responseBytes.count == 16)
            // Local users keep their local passwords.
            #expect(await Self.login(server, "alice", "alice-demo-password") == nil)
            #expect(await Self.login(server, "alice", "alice-ldap-password")?.code == .unauthenticated)
        }
    }

    @Test func groupsGiveRolesDisabledAccountsAndWrongPasswordsAreRefused() async throws {
        try await Self.withDirectoryServer(localFirst: false) { server, _ in
            // The directory alone: desk's local password no longer counts, the directory's does, with its group's role.
            #expect(await Self.login(server, "desk", "desk-demo-password")?.code == .unauthenticated)
            let desk = try await server.client(.unix).authenticate(username: "desk", password: "desk-ldap-password")
            #expect(Set(desk.user?.roles ?? []) == [.selfService, .helpdesk])
            #expect(await Self.login(server, "carl", "carl-ldap-password")?.code == .unauthenticated, "disabled")
            // An injection attempt finds no one, and makes no account.
            #expect(await Self.login(server, "*", "dora-ldap-password")?.code == .unauthenticated)
        }
    }

    @Test func aDirectoryThatIsDownIsUnavailableAndCountsNoFailure() async throws {
        try await Self.withDirectoryServer { server, slapd in
            _ = try await server.client(.unix).authenticate(username: "dora", password: "dora-ldap-password")
            #expect(await Self.login(server, "dora", "wrong")?.code == .unauthenticated)
            let admin = try await server.login("admin", .unix)
            #expect(try await admin.getUser(username: "dora").failedLogins == 1)
            slapd.stop()
            let down = await Self.login(server, "dora", "dora-ldap-password")
            #expect(
                down?.code == .unavailable && down?.message == "the login service is unavailable; try again in a moment"
            )
            #expect(try await admin.getUser(username: "dora").failedLogins == 1, "no failure counted")
        }
    }

    @Test func aSelfServiceGroupMakesOnlyItsMembersCardHolders() async throws {
        try await Self.withDirectoryServer(localFirst: false, selfServiceGroup: true) { server, _ in
            let dora = try await server.client(.unix).authenticate(username: "dora", password: "dora-ldap-password")
            #expect(dora.user?.roles == [], "not a member of the card holders' group")
            let desk = try await server.client(.unix).authenticate(username: "desk", password: "desk-ldap-password")
            #expect(Set(desk.user?.roles ?? []) == [.selfService, .helpdesk])
        }
    }
}
