// unblockd's command line: options out of range are refused before anything starts.
import Foundation
import Testing

/// unblockd's own option checks, through the built binary.
@Suite struct UnblockdOptionTests {
    /// Runs `unblockd ARGUMENTS` and returns its exit status and standard error.
    func unblockd(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = builtProduct("unblockd")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func outOfRangeOptionsAreRefusedWithWhatTheyTakeBeforeAnythingStarts() throws {
        let folder = "/tmp/ubopt-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common = ["serve", "--data-dir", folder, "--unix-socket", "none", "--tcp", "none"]

        let preallocate = try unblockd(common + ["--journal-preallocate", "5000"])
        #expect(preallocate.status == 64)
        #expect(preallocate.errors.contains("--journal-preallocate takes 0 to 4096"), "\(preallocate.errors)")

        for limit in ["--max-connections", "--max-sessions"] {
            let limits = try unblockd(common + [limit, "0"])
            #expect(limits.status == 64)
            #expect(limits.errors.contains("limits must be at least 1"), "\(limit): \(limits.errors)")
        }
        // Refused before the data directory was touched.
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func maxSessionsBoundsTheSessionsTheServerKeeps() async throws {
        let cli = try await CLIHarness(extra: ["--max-sessions", "1"])
        defer { cli.stop() }
        cli.login("alice")
        let file = URL(filePath: cli.configHome + "/unblock/session.json")
        let alices = try Data(contentsOf: file)
        cli.login("bob")  // the server keeps one session: alice's ends
        #expect(cli.run(["cards"]).status == 0)
        try alices.write(to: file)
        let ended = cli.run(["cards"])
        #expect(ended.status == 65, "\(ended.errors)")
    }
}
