// A real unblockd with directory logins, a real slapd, and unblockctl: a directory user logs in.
import Foundation
import Testing
import UnblockTesting

@Suite(.serialized) struct DirectoryLoginCommandTests {
    @Test func aDirectoryUserLogsInWithUnblockctlAndTheHelpDeskSeesTheirAccount() async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            let slapd = try await SlapdProcess(in: folder, certificates: certificates)
            defer { slapd.stop() }
            let harness = try await CLIHarness(extra: [
                "--ldap-url", slapd.tlsURL, "--ldap-ca", certificates.caFile,
                "--ldap-bind-dn", "uid={username},ou=people,\(SlapdProcess.suffix)",
                "--ldap-group-base", "ou=groups,\(SlapdProcess.suffix)",
                "--ldap-role-group", "helpdesk=cn=unblock-helpdesk,ou=groups,\(SlapdProcess.suffix)",
            ])
            defer { harness.stop() }
            let login = harness.run(["login", "--user", "dora", "--password-stdin"], input: "dora-ldap-password\n")
            #expect(login.status == 0 && login.output.contains("Dora Directory"), "\(login.output)\(login.errors)")
            let wrong = harness.run(["login", "--user", "dora", "--password-stdin"], input: "wrong\n")
            #expect(wrong.status != 0 && wrong.errors.contains("invalid username or password"), "\(wrong.errors)")
            harness.login("desk")
            let shown = harness.run(["admin", "user", "show", "dora"])
            #expect(shown.status == 0 && shown.output.contains("failed logins  1"), "\(shown.output)")
        }
    }

    @Test func badDirectorySettingsStopTheStartWithWhatToGive() throws {
        let result = runProgram(
            builtProduct("unblockd"),
            [
                "serve", "--data-dir", "/tmp/ub-ldap-\(UInt32.random(in: 0...UInt32.max))", "--ldap-url",
                "ldap://127.0.0.1:1",
            ],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 64 && result.errors.contains("--ldap-url needs --ldap-bind-dn"), "\(result.errors)")
    }
}
