// The packaged systemd unit and settings: its command line starts a server that tells systemd it is
// ready, serves, and stops gracefully on SIGTERM.
import Foundation
import Testing
import UnblockTesting

@Suite struct SystemdUnitTests {
    static let packaging = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Packaging")
        .standardized

    @Test func thePackagedUnitAndSettingsServeTellSystemdAndStopGracefully() async throws {
        let text = try String(contentsOf: Self.packaging.appending(path: "unblockd.service"), encoding: .utf8)
        let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var arguments = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(arguments.removeFirst() == "/usr/bin/unblockd")
        #expect(text.contains("KillSignal=SIGTERM") && text.contains("Type=notify"))

        // The unit's folders moved into a temporary one (systemd makes /run/unblockd); the portal's
        // user is this one (the package creates unblock-portal).
        let folder = "/tmp/ubunit-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let settings = try String(contentsOf: Self.packaging.appending(path: "unblockd.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "/var/lib/unblockd", with: folder + "/data")
            .replacingOccurrences(of: "/run/unblockd", with: folder)
            .replacingOccurrences(of: "[unblock-portal]", with: "[\(getuid())]")
        try settings.write(toFile: folder + "/unblockd.yaml", atomically: true, encoding: .utf8)
        arguments = arguments.map {
            $0.replacingOccurrences(of: "/etc/unblock/unblockd.yaml", with: folder + "/unblockd.yaml")
        }
        let notify = try NotifySocket(in: folder)
        let server = Process()
        server.executableURL = builtProduct("unblockd")
        server.arguments = arguments
        server.environment = ["NOTIFY_SOCKET": notify.path]
        server.standardError = FileHandle.nullDevice
        try server.run()

        // READY=1 comes once it listens: the socket answers at once.
        let ready = notify.receive()
        #expect(ready?.hasPrefix("READY=1") == true, "\(ready ?? "nothing")")
        #expect(unblockctl(["health"], socket: folder + "/unblockd.sock") == 0)
        server.terminate()
        #expect(notify.receive() == "STOPPING=1")
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
