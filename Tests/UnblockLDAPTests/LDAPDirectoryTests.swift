// Logins against a real slapd: bind template and search-then-bind, groups to roles, disabled
// accounts, escaping against injection, a directory that is down, failover.
import Foundation
import Testing
import UnblockLDAP
import UnblockTesting

@Suite(.serialized) struct LDAPDirectoryTests {
    static let people = "ou=people,\(SlapdProcess.suffix)"

    static func settings(_ slapd: SlapdProcess, _ certificates: TestCertificates, search: Bool = false) -> LDAPSettings
    {
        var settings = LDAPSettings(
            urls: [slapd.plainURL],
            lookup: search
                ? .search(
                    base: people, filter: "(&(objectClass=inetOrgPerson)(uid={username}))",
                    serviceDN: "cn=admin,\(SlapdProcess.suffix)", servicePassword: "directory-root-password")
                : .bindTemplate("uid={username},\(people)"))
        settings.caFile = certificates.caFile
        settings.groupBase = "ou=groups,\(SlapdProcess.suffix)"
        settings.roleGroups = [
            ("helpdesk", "cn=unblock-helpdesk,ou=groups,\(SlapdProcess.suffix)"),
            ("admin", "CN=Unblock-Admins,ou=groups,\(SlapdProcess.suffix)"),
        ]
        settings.disabledWhen = ("employeeType", "disabled")
        return settings
    }

    static func withDirectory(_ body: (SlapdProcess, TestCertificates) async throws -> Void) async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            let slapd = try await SlapdProcess(in: folder, certificates: certificates)
            defer { slapd.stop() }
            try await body(slapd, certificates)
        }
    }

    @Test(arguments: [false, true])
    func aUserLogsInWithTheirNameGroupsAndState(search: Bool) async throws {
        try await Self.withDirectory { slapd, certificates in
            let directory = LDAPDirectory(settings: Self.settings(slapd, certificates, search: search))
            let alice = try directory.authenticate(username: "alice", password: "alice-ldap-password")
            #expect(alice.displayName == "Alice Directory" && alice.roles.isEmpty && !alice.isDisabled)
            #expect(try directory.authenticate(username: "desk", password: "desk-ldap-password").roles == ["helpdesk"])
            #expect(try directory.authenticate(username: "admin", password: "admin-ldap-password").roles == ["admin"])
            #expect(try directory.authenticate(username: "carl", password: "carl-ldap-password").isDisabled)
            #expect(
                try directory.authenticate(username: "erin", password: "erin-ldap-password").isDisabled, "AD's flag")
            // A name that needs escaping in a DN is found, as a value.
            #expect(
                try directory.authenticate(username: "o,neil", password: "o,neil-ldap-password").displayName
                    == "O'Neil Directory")
            #expect(throws: LDAPLoginError.invalidCredentials) {
                try directory.authenticate(username: "alice", password: "wrong")
            }
            #expect(throws: LDAPLoginError.invalidCredentials) {
                try directory.authenticate(username: "nobody", password: "whatever")
            }
            // An empty password is refused before any bind: an anonymous bind is no login.
            #expect(throws: LDAPLoginError.invalidCredentials) {
                try directory.authenticate(username: "alice", password: "")
            }
        }
    }

    @Test(arguments: ["*", "alice)(uid=*", "alice\u{0}", "*)(objectClass=*", "alice,ou=people", "\\2a"])
    func injectionAttemptsFindNoOne(username: String) async throws {
        try await Self.withDirectory { slapd, certificates in
            for search in [false, true] {
                let directory = LDAPDirectory(settings: Self.settings(slapd, certificates, search: search))
                #expect(throws: LDAPLoginError.invalidCredentials) {
                    try directory.authenticate(username: username, password: "alice-ldap-password")
                }
            }
        }
    }

    @Test func escapingFollowsTheRFCs() {
        #expect(LDAPEscaping.distinguishedNameValue("o,neil") == "o\\,neil")
        #expect(LDAPEscaping.distinguishedNameValue(" #a+b=c ") == "\\ #a\\+b\\=c\\ ")
        #expect(LDAPEscaping.distinguishedNameValue("#x") == "\\#x")
        #expect(LDAPEscaping.filterValue("*)(uid=*\\\u{0}") == "\\2a\\29\\28uid=\\2a\\5c\\00")
        #expect(LDAPEscaping.filterValue("Zoë") == "Zoë")
    }

    @Test func aDirectoryThatIsDownIsUnavailableAndTheNextURLIsTried() async throws {
        try await Self.withDirectory { slapd, certificates in
            var settings = Self.settings(slapd, certificates)
            let closed = "ldap://127.0.0.1:\(try freeTCPPort())"
            settings.urls = [closed, slapd.tlsURL]
            settings.timeoutSeconds = 2
            let directory = LDAPDirectory(settings: settings)
            #expect(try directory.authenticate(username: "alice", password: "alice-ldap-password").displayName != nil)
            slapd.stop()
            let down = LDAPDirectory(settings: settings)
            do {
                _ = try down.authenticate(username: "alice", password: "alice-ldap-password")
                Issue.record("a login with the directory down")
            } catch {
                guard case .unavailable(let reason)? = error as? LDAPLoginError else {
                    Issue.record("\(error) is not unavailable")
                    return
                }
                #expect(reason.contains(closed), "\(reason)")
            }
            // The connection kept from before fails too, tries every URL again, and says so: not a wrong password.
            #expect {
                try directory.authenticate(username: "alice", password: "alice-ldap-password")
            } throws: { error in
                if case .unavailable(let reason)? = error as? LDAPLoginError { reason.contains(closed) } else { false }
            }
        }
    }

    @Test func plainLDAPNeedsStartTLSWhichNeedsATrustedCertificate() async throws {
        try await Self.withDirectory { slapd, certificates in
            var settings = Self.settings(slapd, certificates)
            settings.caFile = certificates.otherCAFile
            let untrusted = LDAPDirectory(settings: settings)
            #expect {
                try untrusted.authenticate(username: "alice", password: "alice-ldap-password")
            } throws: { error in
                if case .unavailable = error as? LDAPLoginError { return true } else { return false }
            }
        }
    }
}
