// unblockctl and the second factor: an administrator enrols a user, who then logs in with a code.
import Foundation
import Testing
import UnblockCrypto
import UnblockTesting

@Suite(.serialized) struct SecondFactorCommandTests {
    @Test func enrolThenLogInWithACodeThenRemove() async throws {
        let harness = try await CLIHarness(extra: ["--second-factor", "optional", "--totp-issuer", "Example Corp"])
        defer { harness.stop() }
        harness.login("admin")
        let enrolled = harness.run(["admin", "user", "totp", "enroll", "alice", "--json"])
        #expect(enrolled.status == 0, "\(enrolled.errors)")
        let object = try JSONSerialization.jsonObject(with: Data(enrolled.output.utf8)) as? [String: Any]
        let uri = try #require(object?["uri"] as? String)
        #expect(uri.hasPrefix("otpauth://totp/Example%20Corp:alice?secret="), "\(uri)")
        #expect((object?["user"] as? [String: Any])?["totpEnrolled"] as? Bool == true)
        #expect(harness.run(["admin", "user", "show", "alice"]).output.contains("TOTP enrolled"))
        // On a terminal: a QR code to scan, then the URI.
        let shown = harness.run(["admin", "user", "totp", "enroll", "bob"])
        #expect(
            shown.output.contains("\u{2588}\u{2588}\u{2588}")
                && shown.output.contains("otpauth://totp/Example%20Corp:bob?"))

        // The password alone is refused; with the app's code, the login goes through.
        let refused = harness.run(["login", "--user", "alice", "--password-stdin"], input: "alice-demo-password\n")
        #expect(
            refused.status != 0 && refused.errors.contains("invalid username, password or one-time code"),
            "\(refused.errors)")
        let secret = SecretBytes(try #require(otpauthSecret(of: uri)))
        let code = TOTP.code(secret: secret, step: TOTP.step(at: Int64(Date().timeIntervalSince1970)))
        let login = harness.run(
            ["login", "--user", "alice", "--password-stdin", "--one-time-code", code], input: "alice-demo-password\n")
        #expect(login.status == 0, "\(login.errors)")

        harness.login("admin")
        let removed = harness.run(["admin", "user", "totp", "remove", "alice"])
        #expect(removed.status == 0 && removed.output.contains("alice has no second factor now"), "\(removed.output)")
        harness.login("alice")
    }
}
