// The portal in a real browser: headless Chromium through WebDriver, at desktop and phone width.
import Foundation
import Testing
import UnblockTesting

@Suite(.serialized) struct PortalBrowserTests {
    static let serial = "04B0B0B0B0B001"
    static let key: [UInt8] = (0..<16).map { UInt8(truncatingIfNeeded: $0 * 29 + 7) }

    /// A directory of its own: a card holder with an AES-128 card whose key the test knows.
    static func directoryFile(in folder: String) throws -> String {
        let hex = key.map { String(format: "%02X", $0) }.joined()
        let path = folder + "/browser-directory.json"
        try Data(
            """
            {"profiles": [{"name": "Browser Card", "enabledProcesses": {"active": ["unblock-pin-offline"]}}],
             "users": [{"username": "holly", "displayName": "Holly Example", "password": "holly's own password"}],
             "cards": [{"serial": "\(serial)", "owner": "holly", "profile": "Browser Card",
                        "adminKey": {"algorithm": "aes128", "hex": "\(hex)"}}]}
            """.utf8
        ).write(to: URL(filePath: path))
        return path
    }

    @Test(arguments: [1280, 360])
    func aCardHolderUnblocksInABrowser(width: Int) async throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/chromedriver") else {
            Issue.record("chromium-driver is not installed (Scripts/bootstrap --test installs it)")
            return
        }
        try await withTemporaryDirectory { folder in
            let server = try await UnblockdProcess(directoryFile: try Self.directoryFile(in: folder))
            defer { server.stop() }
            // Its log, to check that no challenge or response is in it.
            let log = folder + "/portal.log"
            let port = try freeTCPPort()
            let portal = try await PortalProcess(
                ["--listen", "127.0.0.1:\(port)", "--server", "unix:\(server.socket)"], port: port, log: log)
            defer { portal.stop() }
            let site = portal.site
            let browser = try await WebDriver(width: width)
            do {
                try await browser.open(site + "/login")
                try await browser.type("holly", into: "#username")
                try await browser.type("holly's own password", into: "#password")
                try await browser.click("main button[type=submit]")
                #expect(try await browser.shows(Self.serial), "My cards")
                try await browser.click("a[href='/cards/\(Self.serial)/unblock']")
                // As a person types it: lower case, in groups, with a dash.
                let challenge: [UInt8] = (0..<16).map { UInt8(truncatingIfNeeded: $0 * 13 + 1) }
                let typed = stride(from: 0, to: 16, by: 2).map {
                    challenge[$0..<$0 + 2].map { String(format: "%02x", $0) }.joined()
                }.joined(separator: " ").replacingOccurrences(of: " 0", with: "-0")
                try await browser.type(typed, into: "#challenge")
                if let shots = ProcessInfo.processInfo.environment["UNBLOCK_SCREENSHOTS"] {
                    try await browser.screenshot().write(to: URL(filePath: "\(shots)/portal-challenge-\(width).png"))
                }
                try await browser.click("main button[type=submit]")
                let expected = try #require(try opensslEncrypt(challenge, key: Self.key, algorithm: "aes128"))
                let hex = expected.map { String(format: "%02X", $0) }.joined()
                let grouped = stride(from: 0, to: hex.count, by: 4).map {
                    String(hex.dropFirst($0).prefix(4))
                }.joined(separator: " ")
                let shown = try? await browser.text("#response")
                let source = try await browser.pageSource
                #expect(shown == grouped, "\(source)")
                if let shots = ProcessInfo.processInfo.environment["UNBLOCK_SCREENSHOTS"] {
                    try await browser.screenshot().write(to: URL(filePath: "\(shots)/portal-response-\(width).png"))
                }
                // The same challenge again is refused, in words.
                try await browser.open(site + "/cards/\(Self.serial)/unblock")
                // Submitted with the Enter key this time, as on a phone's keyboard.
                try await browser.type(typed + "\u{E007}", into: "#challenge")
                #expect(try await browser.shows("This challenge was already used"))
                try await browser.click("header button[type=submit]")
                #expect(try await browser.shows("name=\"password\""), "logged out")
                // Nothing secret in the portal's log: neither the challenge nor the response.
                let logged = try String(contentsOfFile: log, encoding: .utf8).uppercased()
                let challengeHex = challenge.map { String(format: "%02X", $0) }.joined()
                #expect(!logged.contains(hex.prefix(8)) && !logged.contains(challengeHex.prefix(8)), "\(logged)")
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
