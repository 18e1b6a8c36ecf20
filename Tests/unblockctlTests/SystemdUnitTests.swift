// The example systemd unit: its command line starts a server that serves and stops gracefully on SIGTERM.
import Foundation
import Testing
import UnblockTesting

@Suite struct SystemdUnitTests {
    static let unit = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/systemd/unblockd.service").standardized

    @Test func theExampleUnitsCommandLineServesAndStopsGracefully() async throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var arguments = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(arguments.removeFirst() == "/usr/local/bin/unblockd")
        #expect(text.contains("KillSignal=SIGTERM"))

        // The unit's folders moved into a temporary one (systemd makes /run/unblockd), its ports the system's choice.
        let folder = "/tmp/ubunit-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        arguments = arguments.map {
            $0.replacingOccurrences(of: "/var/lib/unblockd", with: folder + "/data")
                .replacingOccurrences(of: "/run/unblockd", with: folder)
                .replacingOccurrences(of: ":8625", with: ":0").replacingOccurrences(of: ":9625", with: ":0")
        }
        let server = Process()
        server.executableURL = builtProduct("unblockd")
        server.arguments = arguments
        server.standardError = FileHandle.nullDevice
        try server.run()

        var healthy = false
        for _ in 0..<500 where !healthy {
            healthy = unblockctl(["health"], socket: folder + "/unblockd.sock") == 0
            if !healthy { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(healthy, "the unit's command line did not start a server: \(arguments)")
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
        // The graceful stop wrote its final snapshot.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/data")
        #expect(files.contains { $0.hasPrefix("snapshot-") }, "\(files)")
    }

    /// Runs `unblockctl ARGUMENTS` against `socket`; returns its exit status.
    func unblockctl(_ arguments: [String], socket: String) -> Int32 {
        let process = Process()
        process.executableURL = builtProduct("unblockctl")
        process.arguments = arguments
        process.environment = ["UNBLOCK_SOCKET": socket, "XDG_CONFIG_HOME": "/nonexistent", "PATH": "/usr/bin:/bin"]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
