// unblock-portal as a child process for a test: started with the test's arguments, ready when its login page answers.
import Foundation
import UnblockTesting

/// A running `unblock-portal`, stopped by `stop()` (SIGTERM).
final class PortalProcess {
    /// `http://127.0.0.1:PORT`, or `https://` when it serves TLS.
    let site: String
    /// The CA that signs its certificate, for curl (HTTPS only).
    let caFile: String?
    private let process = Process()

    /// Starts it with `arguments` (which listen on 127.0.0.1:`port`), its output to `log` if
    /// given, and waits until the login page answers; `environment` adds to the test's own.
    init(
        _ arguments: [String], port: Int, caFile: String? = nil, log: String? = nil, environment: [String: String] = [:]
    ) async throws {
        site = "\(caFile == nil ? "http" : "https")://127.0.0.1:\(port)"
        self.caFile = caFile
        process.executableURL = builtProduct("unblock-portal")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let log {
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(filePath: log))
            process.standardError = process.standardOutput
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        for _ in 0..<200 {
            if curl([site + "/login"]).output.contains("name=\"password\"") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw TestingError("unblock-portal did not serve its login page: \(arguments)")
    }

    /// curl against the portal (trusting its CA), with `arguments`.
    func curl(_ arguments: [String]) -> ProgramResult {
        runProgram(
            URL(filePath: "/usr/bin/curl"), ["-s"] + (caFile.map { ["--cacert", $0] } ?? []) + arguments,
            environment: ["PATH": "/usr/bin:/bin"])
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
