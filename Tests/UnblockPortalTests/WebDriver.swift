// A small WebDriver client: enough of the W3C protocol to drive headless Chromium through chromedriver.
import Foundation
import UnblockTesting

/// One browser session in a chromedriver started for the test.
final class WebDriver {
    private let driver = Process()
    private let base: String
    private var session = ""

    /// Starts chromedriver and a headless Chromium `width` pixels wide.
    init(width: Int, height: Int = 900) async throws {
        let port = try freeTCPPort()
        base = "http://127.0.0.1:\(port)"
        // With a umask of its own: servers the tests run in this process set the process's for
        // a moment as they bind, and a Chromium started meanwhile cannot use its own folders.
        driver.executableURL = URL(filePath: "/bin/sh")
        driver.arguments = ["-c", "umask 022; exec /usr/bin/chromedriver --port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        for _ in 0..<200 {
            if (try? await request("GET", "/status")) != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": "/usr/bin/chromium",
                        // A phone's viewport exactly (a headless window is at least 500 pixels wide).
                        "mobileEmulation": ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 1]],
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--window-size=\(width),\(height)",
                        ],
                    ],
                ]
            ]
        ]
        // On a loaded machine Chromium sometimes exits while starting: try again, a few times.
        var created: [String: Any] = [:]
        for _ in 0..<4 where session.isEmpty {
            created = try await request("POST", "/session", capabilities)
            session = ((created["value"] as? [String: Any])?["sessionId"] as? String) ?? ""
            if session.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        guard !session.isEmpty else { throw TestingError("chromedriver made no session: \(created)") }
        // Finding an element waits for it a while: a page may still be loading after a click.
        _ = try await request("POST", "/session/\(session)/timeouts", ["implicit": 5_000])
    }

    func open(_ url: String) async throws { _ = try await request("POST", "/session/\(session)/url", ["url": url]) }

    /// The first element `css` selects.
    func element(_ css: String) async throws -> String {
        let found = try await request(
            "POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let element = found["value"] as? [String: Any], element["error"] == nil,
            let id = element.values.first as? String
        else { throw TestingError("no element \(css)") }
        return id
    }

    func type(_ text: String, into css: String) async throws {
        let id = try await element(css)
        _ = try await request("POST", "/session/\(session)/element/\(id)/value", ["text": text])
    }

    func click(_ css: String) async throws {
        let id = try await element(css)
        _ = try await request("POST", "/session/\(session)/element/\(id)/click", [:])
    }

    func text(_ css: String) async throws -> String {
        let id = try await element(css)
        return (try await request("GET", "/session/\(session)/element/\(id)/text"))["value"] as? String ?? ""
    }

    /// Whether the page shows `text` within a few seconds: a click that submits a form can
    /// return before the next page is there.
    func shows(_ text: String) async throws -> Bool {
        for _ in 0..<100 {
            if try await pageSource.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    var pageSource: String {
        get async throws { (try await request("GET", "/session/\(session)/source"))["value"] as? String ?? "" }
    }

    /// A PNG of the page.
    func screenshot() async throws -> Data {
        let encoded = (try await request("GET", "/session/\(session)/screenshot"))["value"] as? String ?? ""
        return Data(base64Encoded: encoded) ?? Data()
    }

    func quit() async {
        _ = try? await request("DELETE", "/session/\(session)")
        // chromedriver does not always end on SIGTERM.
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
    }

    /// One WebDriver command, sent with curl (FoundationNetworking's client fails on chromedriver's answers).
    private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws
        -> [String: Any]
    {
        var arguments = ["-s", "-m", "60", "-X", method, base + path]
        if let body {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            arguments += ["-H", "Content-Type: application/json", "-d", json]
        }
        let result = runProgram(URL(filePath: "/usr/bin/curl"), arguments, environment: ["PATH": "/usr/bin:/bin"])
        guard result.status == 0 else { throw TestingError("curl \(method) \(path): exit \(result.status)") }
        return (try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]) ?? [:]
    }
}
