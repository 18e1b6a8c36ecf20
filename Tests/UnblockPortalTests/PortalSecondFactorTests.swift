// The portal and second factors: the code field at login, and a card holder setting up an authenticator app.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import UnblockClient
import UnblockCrypto
import UnblockTesting
import UnblockWire

@Suite(.serialized) struct PortalSecondFactorTests {
    typealias Browser = PortalTests.Browser

    @Test func whenUnblockdAsksForCodesTheLoginFormHasAFieldForOne() async throws {
        try await PortalTests.withPortal(extra: ["--second-factor", "optional"]) { browser, socket in
            let admin = UnblockClient(target: .unixDomainSocket(path: socket))
            _ = try await admin.authenticate(username: "admin", password: "admin-demo-password")
            let secret = SecretBytes(try #require(otpauthSecret(of: try await admin.enrollTOTP(username: "alice").uri)))
            await admin.close()
            let form = String(buffer: try await browser.get("/login").body)
            #expect(form.contains("name=\"one_time_code\"") && form.contains("autocomplete=\"one-time-code\""))
            let refused = String(buffer: try await browser.logIn("alice").body)
            #expect(refused.contains("Wrong username, password or one-time code."), "\(refused)")
            let page = String(buffer: try await browser.get("/login").body)
            let code = TOTP.code(secret: secret, step: TOTP.step(at: Int64(Date().timeIntervalSince1970)))
            let login = try await browser.post(
                "/login",
                [
                    "csrf": Browser.hidden("csrf", in: page) ?? "", "username": "alice",
                    "password": "alice-demo-password", "one_time_code": code,
                ])
            #expect(login.status == .seeOther && login.headers[.location] == "/cards")
        }
    }

    @Test func withCodesRequiredACardHolderSetsUpTheAppThenLogsInWithIt() async throws {
        try await PortalTests.withPortal(extra: ["--second-factor", "required"]) { browser, _ in
            let login = try await browser.logIn("alice")
            #expect(login.headers[.location] == "/second-factor")
            #expect(try await browser.get("/cards").headers[.location] == "/second-factor", "nothing else until then")
            let intro = String(buffer: try await browser.get("/second-factor").body)
            let csrf = try #require(Browser.hidden("csrf", in: intro))
            let shown = String(buffer: try await browser.post("/second-factor/begin", ["csrf": csrf]).body)
            #expect(shown.contains("<svg") && shown.contains("aria-label=\"QR code to scan"), "\(shown)")
            let key = try #require(
                shown.components(separatedBy: "<code>").last?.components(separatedBy: "</code>").first)
            let secret = SecretBytes(
                try #require(otpauthSecret(of: "?secret=" + key.replacingOccurrences(of: " ", with: ""))))
            let now = TOTP.step(at: Int64(Date().timeIntervalSince1970))
            let wrong = TOTP.code(secret: secret, step: now) == "123456" ? "654321" : "123456"
            let refused = String(
                buffer: try await browser.post("/second-factor/confirm", ["csrf": csrf, "one_time_code": wrong]).body)
            #expect(refused.contains("That code is not the app&#39;s current one."), "\(refused)")
            let confirmed = String(
                buffer: try await browser.post(
                    "/second-factor/confirm", ["csrf": csrf, "one_time_code": TOTP.code(secret: secret, step: now)]
                ).body)
            #expect(confirmed.contains("Log in again with your password and the app"), "\(confirmed)")
            // The next code logs in for real.
            let page = String(buffer: try await browser.get("/login").body)
            let full = try await browser.post(
                "/login",
                [
                    "csrf": Browser.hidden("csrf", in: page) ?? "", "username": "alice",
                    "password": "alice-demo-password", "one_time_code": TOTP.code(secret: secret, step: now + 1),
                ])
            #expect(full.headers[.location] == "/cards")
            #expect(String(buffer: try await browser.get("/cards").body).contains("04A1B2C3D4E5F6"))
        }
    }
}
