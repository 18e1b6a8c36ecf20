// The portal in the browser's language, a typo in a challenge told before any call, and the browser's address in the audit.
import Foundation
import Glibc
import Hummingbird
import HummingbirdTesting
import Testing
import UnblockClient
import UnblockWire

@Suite(.serialized) struct PortalLanguageTests {
    typealias Browser = PortalTests.Browser

    @Test func aFrenchBrowserGetsEveryPageInFrench() async throws {
        try await PortalTests.withPortal { browser in
            // French is preferred to English; German, first, is not offered.
            browser.languages = "de-DE, fr-CH;q=0.9, en;q=0.5"
            let login = try await browser.get("/login")
            let page = String(buffer: login.body)
            #expect(page.contains("<html lang=\"fr\">") && page.contains("Mot de passe"), "\(page)")
            #expect(login.headers[.contentLanguage] == "fr" && login.headers[.vary] == "Accept-Language")
            let wrong = String(buffer: try await browser.logIn("alice", password: "wrong").body)
            #expect(wrong.contains("Identifiant ou mot de passe incorrect."))
            _ = try await browser.logIn("alice")
            let cards = String(buffer: try await browser.get("/cards").body)
            #expect(cards.contains("Mes cartes") && cards.contains("Cette carte est suspendue"), "\(cards)")
            let form = String(buffer: try await browser.get("/cards/04A1B2C3D4E5F6/unblock").body)
            let csrf = try #require(Browser.hidden("csrf", in: form))
            let challenge = "00112233445566778899aabbccddeeff"
            _ = try await browser.post("/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": challenge])
            let again = String(
                buffer: try await browser.post("/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": challenge])
                    .body)
            #expect(again.contains("Ce challenge a déjà été utilisé."), "\(again)")
            // A language refused outright (q=0) is not chosen; nothing offered means English.
            browser.languages = "fr;q=0, de"
            #expect(String(buffer: try await browser.get("/cards").body).contains("My cards"))
        }
    }

    @Test func aChallengeOfTheWrongLengthOrWithOtherLettersIsToldHowManyDigits() async throws {
        try await PortalTests.withPortal { browser in
            _ = try await browser.logIn("alice")
            let form = String(buffer: try await browser.get("/cards/04A1B2C3D4E5F6/unblock").body)
            let csrf = try #require(Browser.hidden("csrf", in: form))
            for typed in ["0011 2233", "00112233445566778899AABBCCDDEEFG", "00112233445566778899AABBCCDDEEFF00"] {
                let page = String(
                    buffer: try await browser.post("/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": typed])
                        .body)
                #expect(page.contains("The challenge has 32 characters, 0 to 9 and A to F."), "\(typed): \(page)")
            }
            // A card whose profile does not offer it has no form: back to My cards.
            let other = try await browser.get("/cards/04782E21801D80/unblock")
            #expect(other.status == .seeOther && other.headers[.location] == "/cards")
        }
    }

    @Test func unblockdRecordsThePortalAndTheBrowsersAddressWhenItTrustsThePortal() async throws {
        try await PortalTests.withPortal(extra: ["--trusted-app-user", "\(getuid())"], testing: .live) {
            browser, socket in
            _ = try await browser.logIn("alice")
            let desk = UnblockClient(target: .unixDomainSocket(path: socket))
            _ = try await desk.authenticate(username: "desk", password: "desk-demo-password")
            let events = try await desk.listAuditEvents(ListAuditEventsRequest(user: "alice", action: "authenticate"))
            let detail = try #require(events.events.first?.detail)
            #expect(detail.hasSuffix("app=unblock-portal end_user=127.0.0.1"), "\(detail)")
            await desk.close()
        }
    }

    @Test func aCardsDailyLimitSaysWhenToTryAgainAndAnOversizedFormChangesNothing() async throws {
        try await PortalTests.withPortal(extra: ["--responses-per-day", "1"]) { browser, _ in
            _ = try await browser.logIn("alice")
            let form = String(buffer: try await browser.get("/cards/04A1B2C3D4E5F6/unblock").body)
            let csrf = try #require(Browser.hidden("csrf", in: form))
            let first = try await browser.post(
                "/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": String(repeating: "1", count: 32)])
            #expect(String(buffer: first.body).contains("id=\"response\""))
            let second = String(
                buffer: try await browser.post(
                    "/cards/04A1B2C3D4E5F6/unblock", ["csrf": csrf, "challenge": String(repeating: "2", count: 32)]
                ).body)
            #expect(
                second.contains("This card has had all the responses it may have for now. Try again in 24 hours."),
                "\(second)")
            // A form over the portal's limit is read as no form at all: refused, nothing done.
            let huge = try await browser.post(
                "/cards/04A1B2C3D4E5F6/unblock",
                [
                    "csrf": csrf, "challenge": String(repeating: "3", count: 32),
                    "padding": String(repeating: "x", count: 20_000),
                ])
            #expect(huge.status == .forbidden)
        }
    }
}
