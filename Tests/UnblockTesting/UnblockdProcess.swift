// A real unblockd started for a test: the demo directory on a private data directory, its socket, SIGKILL and restart.
import Foundation

/// `unblockd serve` as a child process, listening on a Unix socket in its own folder.
public final class UnblockdProcess {
    public let folder = "/tmp/ubd-\(UInt32.random(in: 0...UInt32.max))"
    public var socket: String { folder + "/s.sock" }
    private var process = Process()
    private let arguments: [String]
    private let environment: [String: String]?
    public var dataDirectory: String { folder + "/data" }

    /// The demo directory next to the package.
    public static let demo = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/demo-directory.json").standardized

    /// Starts it and waits until it listens; `environment` adds to this process's own;
    /// `before` runs once its folder exists (to place a master key there).
    public init(
        extra: [String] = [], directoryFile: String = demo.path, environment: [String: String] = [:],
        before: (UnblockdProcess) throws -> Void = { _ in }
    ) async throws {
        self.environment =
            environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 }
        arguments =
            [
                "serve", "--data-dir", folder + "/data", "--unix-socket", folder + "/s.sock", "--tcp", "none",
                "--import", directoryFile, "--password-iterations", "1000", "--log-level", "error",
                "--journal-preallocate", "1",
            ] + extra
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try before(self)
        try await start()
    }

    private func start() async throws {
        process = Process()
        process.executableURL = builtProduct("unblockd")
        process.arguments = arguments
        if let environment { process.environment = environment }
        try process.run()
        for _ in 0..<500 {
            if FileManager.default.fileExists(atPath: socket) { return }
            guard process.isRunning else {
                throw TestingError("unblockd exited with status \(process.terminationStatus)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestingError("unblockd did not start")
    }

    /// Kills it with SIGKILL, as a power cut would, and starts it again on its data.
    public func killAndRestart() async throws {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try await start()
    }

    /// Kills it with SIGKILL and waits for it to be gone.
    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends it `signal` (SIGHUP: reload its TLS files).
    public func send(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    /// Stops it (SIGTERM) and removes its files, unless told to keep them.
    public func stop(keepingFiles: Bool = false) {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if !keepingFiles { try? FileManager.default.removeItem(atPath: folder) }
    }
}

/// A test's own failure, in words.
public struct TestingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
