// unblock-portal's command line: the example systemd unit's serves the login page; plain HTTP stays on loopback.
import Foundation
import Testing
import UnblockTesting

@Suite struct PortalCommandTests {
    static let unit = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/systemd/unblock-portal.service").standardized

    @Test func theExampleUnitsCommandLineServesTheLoginPage() async throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var arguments = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(arguments.removeFirst() == "/usr/local/bin/unblock-portal")
        // A real unblockd where the unit expects it, the portal on a free port.
        let server = try await UnblockdProcess()
        defer { server.stop() }
        let port = try freeTCPPort()
        arguments = arguments.map {
            $0.replacingOccurrences(of: "/run/unblockd/unblockd.sock", with: server.socket)
                .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
        }
        let portal = Process()
        portal.executableURL = builtProduct("unblock-portal")
        portal.arguments = arguments
        portal.standardOutput = FileHandle.nullDevice
        try portal.run()
        defer {
            portal.terminate()
            portal.waitUntilExit()
        }
        var page = ""
        for _ in 0..<200 where !page.contains("name=\"password\"") {
            let probe = ["-s", "http://127.0.0.1:\(port)/login"]
            page = runProgram(URL(filePath: "/usr/bin/curl"), probe, environment: ["PATH": "/usr/bin:/bin"]).output
            if !page.contains("name=\"password\"") { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(
            page.contains("name=\"password\""), "the unit's command line did not serve the login page: \(arguments)")
    }

    @Test func itRefusesPlainHTTPBeyondLoopbackUnlessTold() throws {
        let refused = runProgram(
            builtProduct("unblock-portal"), ["--listen", "0.0.0.0:8080"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("refusing to serve passwords and responses over plain HTTP on 0.0.0.0"))
        #expect(refused.errors.contains("--allow-insecure-http"))
    }
}
