// The portal's pages through Hummingbird's test client, against a real unblockd: log in, my cards, unblock, log out.
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import UnblockPortal
import UnblockTesting
import UnblockWire

@Suite(.serialized) struct PortalTests {
    /// A browser: keeps the cookies the portal sets.
    final class Browser: @unchecked Sendable {
        // @unchecked: used from one test's task only.
        var cookies: [String: String] = [:]
        let client: any TestClientProtocol

        init(_ client: any TestClientProtocol) { self.client = client }

        /// What the browser's Accept-Language says, if anything.
        var languages: String?

        func get(_ uri: String) async throws -> TestResponse {
            try await send(uri, .get, body: nil)
        }

        func post(_ uri: String, _ fields: [String: String]) async throws -> TestResponse {
            let body = fields.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            .joined(separator: "&")
            return try await send(uri, .post, body: ByteBuffer(string: body))
        }

        private func send(_ uri: String, _ method: HTTPRequest.Method, body: ByteBuffer?) async throws -> TestResponse {
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let languages { headers[.acceptLanguage] = languages }
            if !cookies.isEmpty {
                headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            }
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
            for field in response.headers[values: .setCookie] {
                let pair = field.split(separator: ";").first!.split(separator: "=", maxSplits: 1)
                let value = pair.count > 1 ? String(pair[1]) : ""
                cookies[String(pair[0])] = value.isEmpty ? nil : value
            }
            return response
        }

        /// The value of a hidden field in a page.
        static func hidden(_ name: String, in page: String) -> String? {
            guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
            return String(page[range.upperBound...].prefix { $0 != "\"" })
        }

        func logIn(_ user: String, password: String? = nil) async throws -> TestResponse {
            let page = String(buffer: try await get("/login").body)
            return try await post(
                "/login",
                [
                    "csrf": Self.hidden("csrf", in: page) ?? "", "username": user,
                    "password": password ?? "\(user)-demo-password",
                ])
        }
    }

    /// A portal in front of a real unblockd; `.live` serves it over a socket (browsers have an address).
    static func withPortal(
        extra: [String] = [], testing: TestingSetup = .router, overHTTPS: Bool = false,
        _ body: @Sendable (Browser, _ unblockdSocket: String) async throws -> Void
    ) async throws {
        let server = try await UnblockdProcess(extra: extra)
        defer { server.stop() }
        var configuration = Portal.Configuration(server: .unixDomainSocket(path: server.socket))
        configuration.servedOverHTTPS = overHTTPS
        let portal = try Portal(configuration: configuration, logger: Logger(label: "test"))
        let app = Application(router: portal.makeRouter())
        let socket = server.socket
        try await app.test(testing) { client in try await body(Browser(client), socket) }
    }

    static func withPortal(extra: [String] = [], _ body: @Sendable (Browser) async throws -> Void) async throws {
        try await withPortal(extra: extra) { browser, _ in try await body(browser) }
    }

    @Test func aCardHolderUnblocksAndTheSameChallengeIsRefusedAfter() async throws {
        try await Self.withPortal { browser in
            let login = try await browser.logIn("alice")
            #expect(login.status == .seeOther && login.headers[.location] == "/cards")
            let cards = String(buffer: try await browser.get("/cards").body)
            #expect(cards.contains("04A1B2C3D4E5F6") && cards.contains("/cards/04A1B2C3D4E5F6/unblock"))
            #expect(cards.contains("Not offered for this card&#39;s profile: ask your help desk."), "the Employee Card")
            #expect(cards.contains("This card is suspended"))
            let form = String(buffer: try await browser.get("/cards/04A1B2C3D4E5F6/unblock").body)
            #expect(form.contains("32 characters"))
            let csrf = try #require(Browser.hidden("csrf", in: form))
            let challenge = "1603 ebdf 1c8a 2e72 0011-2233-4455-6677"
            let answer = try await browser.post(
                "/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": challenge])
            let page = String(buffer: answer.body)
            #expect(page.contains("<p id=\"response\">") && page.contains("never leaves the PC"), "\(page)")
            let again = String(
                buffer: try await browser.post("/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": challenge])
                    .body)
            #expect(again.contains("This challenge was already used"), "\(again)")
        }
    }

    @Test func everyLoginRefusalSaysTheSameAndFormsNeedTheirToken() async throws {
        try await Self.withPortal { browser in
            let wrong = String(buffer: try await browser.logIn("alice", password: "wrong password").body)
            let unknown = String(buffer: try await browser.logIn("nobody").body)
            let message = "Wrong username or password. After several wrong passwords an account is locked for a while"
            #expect(wrong.contains(message) && unknown.contains(message))
            let forged = try await browser.post(
                "/login", ["csrf": "forged", "username": "alice", "password": "alice-demo-password"])
            #expect(forged.status == .forbidden)
            _ = try await browser.logIn("alice")
            let noToken = try await browser.post("/cards/04A1B2C3D4E5F6/unblock", ["challenge": "00"])
            #expect(noToken.status == .forbidden)
        }
    }

    @Test func headersCookiesAndLogout() async throws {
        try await Self.withPortal { browser in
            let page = try await browser.get("/login")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers.first { $0.name.rawName == "Referrer-Policy" }?.value == "no-referrer")
            let login = try await browser.logIn("bob")
            let setCookie = login.headers[values: .setCookie].joined(separator: "\n")
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), "\(setCookie)")
            let cards = String(buffer: try await browser.get("/cards").body)
            let csrf = try #require(Browser.hidden("csrf", in: cards))
            let out = try await browser.post("/logout", ["csrf": csrf])
            #expect(out.status == .seeOther && out.headers[.location] == "/login")
            let after = try await browser.get("/cards")
            #expect(after.status == .seeOther && after.headers[.location] == "/login", "the session ended")
        }
    }

    @Test func behindAnHTTPSProxyCookiesAreSecureAndBrowsersAreToldToKeepToHTTPS() async throws {
        let hsts: @Sendable (TestResponse) -> String? = { response in
            response.headers.first { $0.name.rawName == "Strict-Transport-Security" }?.value
        }
        try await Self.withPortal(overHTTPS: true) { browser, _ in
            let login = try await browser.logIn("alice")
            #expect(login.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
            #expect(hsts(login) == "max-age=31536000")
        }
        try await Self.withPortal { browser, _ in
            let login = try await browser.logIn("alice")
            #expect(!login.headers[values: .setCookie].contains { $0.contains("Secure") })
            #expect(hsts(login) == nil)
        }
    }
}

@Suite(.serialized) struct PortalStaffTests {
    @Test func theHelpDeskUnlocksAUserAndResetsALimitButCardHoldersAreKeptOut() async throws {
        try await PortalTests.withPortal(extra: ["--max-login-failures", "1"]) { browser in
            _ = try await browser.logIn("bob", password: "wrong password")
            #expect(String(buffer: try await browser.logIn("bob").body).contains("Wrong username or password"))
            _ = try await browser.logIn("alice")
            #expect(try await browser.get("/admin").status == .forbidden, "a card holder")
            _ = try await browser.logIn("desk")
            let page = String(buffer: try await browser.get("/admin").body)
            let csrf = try #require(PortalTests.Browser.hidden("csrf", in: page))
            #expect(page.contains("Contractor Card") && page.contains("enabled"))
            let unlocked = String(
                buffer: try await browser.post("/admin/unlock", ["csrf": csrf, "username": "bob"]).body)
            #expect(unlocked.contains("bob is unlocked."), "\(unlocked)")
            let reset = String(
                buffer: try await browser.post("/admin/reset-limit", ["csrf": csrf, "serial": "0499AABBCCDDEE"]).body)
            #expect(reset.contains("had no response counting"), "\(reset)")
            let denied = String(
                buffer: try await browser.post(
                    "/admin/process", ["csrf": csrf, "profile": "Employee Card", "enable": "yes"]
                ).body)
            #expect(denied.contains("Only an administrator may do this."), "\(denied)")
            let trail = String(buffer: try await browser.get("/admin?type=unlock-user").body)
            #expect(trail.contains("unlock-user") && trail.contains("desk"), "\(trail)")
            #expect(
                try await browser.post("/admin/unlock", ["csrf": "forged", "username": "bob"]).status == .forbidden)
            // Bob logs in again.
            #expect(try await browser.logIn("bob").headers[.location] == "/cards")
        }
    }

    @Test func anAdministratorEnablesTheUnblockOnAProfile() async throws {
        try await PortalTests.withPortal { browser in
            _ = try await browser.logIn("admin")
            let page = String(buffer: try await browser.get("/admin").body)
            let csrf = try #require(PortalTests.Browser.hidden("csrf", in: page))
            let enabled = String(
                buffer: try await browser.post(
                    "/admin/process", ["csrf": csrf, "profile": "Employee Card", "enable": "yes"]
                ).body)
            #expect(enabled.contains("Unblock PIN offline is enabled for Employee Card."), "\(enabled)")
            _ = try await browser.logIn("alice")
            let cards = String(buffer: try await browser.get("/cards").body)
            #expect(cards.contains("/cards/04782E21801D80/unblock"), "the Employee Card now offers it")
        }
    }

    @Test func aPortalSessionEndsWithUnblockdsSession() async throws {
        try await PortalTests.withPortal(extra: ["--session-idle-timeout", "1"]) { browser in
            _ = try await browser.logIn("alice")
            #expect(try await browser.get("/cards").status == .ok)
            try await Task.sleep(for: .milliseconds(1_300))
            let after = try await browser.get("/cards")
            #expect(after.status == .seeOther && after.headers[.location] == "/login")
        }
    }
}
