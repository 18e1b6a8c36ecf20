// Runs unblockctl against a real unblockd started for the test, and captures what it prints.
import Foundation
import Testing

/// The binaries built next to the test binary.
func builtProduct(_ name: String) -> URL {
    URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: name)
}

/// What one `unblockctl` run printed and returned.
struct CLIResult {
    let status: Int32
    let output: String
    let errors: String

    /// The standard output parsed as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any] ?? [:]
    }
}

/// A running `unblockd` with the demo directory, and a private config folder for the CLI.
final class CLIHarness {
    let folder = "/tmp/ubctl-\(UInt32.random(in: 0...UInt32.max))"
    var socket: String { folder + "/s.sock" }
    var configHome: String { folder + "/config" }
    private let server = Process()

    static let demo = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/demo-directory.json").standardized

    init(extra: [String] = []) async throws {
        server.executableURL = builtProduct("unblockd")
        server.arguments =
            [
                "serve", "--data-dir", folder + "/data", "--unix-socket", folder + "/s.sock", "--tcp", "none",
                "--import", Self.demo.path, "--password-iterations", "1000", "--log-level", "error",
                "--journal-preallocate", "1",
            ] + extra
        try server.run()
        for _ in 0..<500 {
            if run(["health"]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("unblockd did not start")
    }

    /// Stops the server (SIGTERM) and removes its files.
    func stop() {
        server.terminate()
        server.waitUntilExit()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `unblockctl ARGUMENTS` with `input` on standard input.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil, socket: String? = nil) -> CLIResult {
        let process = Process()
        process.executableURL = builtProduct("unblockctl")
        process.arguments = arguments
        process.environment = [
            "XDG_CONFIG_HOME": configHome, "UNBLOCK_SOCKET": socket ?? self.socket, "PATH": "/usr/bin:/bin",
        ]
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        do { try process.run() } catch { return CLIResult(status: -1, output: "", errors: "\(error)") }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self))
    }

    func login(_ user: String) {
        let result = run(["login", "--user", user, "--password-stdin"], input: "\(user)-demo-password\n")
        #expect(result.status == 0, "login \(user): \(result.errors)")
    }
}
