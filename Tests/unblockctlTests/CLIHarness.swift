// Runs unblockctl against a real unblockd started for the test, and captures what it prints.
import Foundation
import Synchronization
import Testing
import UnblockTesting

/// What one `unblockctl` run printed and returned.
typealias CLIResult = ProgramResult

/// A running `unblockd` with the demo directory, and a private config folder for the CLI.
final class CLIHarness {
    let server: UnblockdProcess
    var folder: String { server.folder }
    var socket: String { server.socket }
    var configHome: String { folder + "/config" }

    static let demo = UnblockdProcess.demo

    init(extra: [String] = [], directoryFile: String = demo.path) async throws {
        server = try await UnblockdProcess(extra: extra, directoryFile: directoryFile)
        try await waitUntilServing()
    }

    private func waitUntilServing() async throws {
        for _ in 0..<500 {
            if run(["health"]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("unblockd did not start")
    }

    /// Kills the server with SIGKILL, as a power cut would, and starts it again on its data.
    func killAndRestart() async throws {
        try await server.killAndRestart()
        try await waitUntilServing()
    }

    /// Stops the server (SIGTERM) and removes its files, unless told to keep them.
    func stop(keepingFiles: Bool = false) { server.stop(keepingFiles: keepingFiles) }

    /// Runs `unblockctl ARGUMENTS` with `input` on standard input; the server is found through
    /// UNBLOCK_SOCKET unless `environment` says otherwise.
    @discardableResult
    func run(
        _ arguments: [String], input: String? = nil, socket: String? = nil, environment: [String: String]? = nil
    ) -> CLIResult {
        runProgram(
            builtProduct("unblockctl"), arguments, input: input,
            environment: ["XDG_CONFIG_HOME": configHome, "PATH": "/usr/bin:/bin"].merging(
                environment ?? ["UNBLOCK_SOCKET": socket ?? self.socket]
            ) { $1 })
    }

    /// Starts `unblockctl ARGUMENTS` in the background (for commands that run until stopped);
    /// what it prints so far is in the returned output. Terminate the process when done.
    func start(_ arguments: [String]) throws -> (process: Process, output: RunningOutput) {
        let process = Process()
        process.executableURL = builtProduct("unblockctl")
        process.arguments = arguments
        process.environment = ["XDG_CONFIG_HOME": configHome, "PATH": "/usr/bin:/bin", "UNBLOCK_SOCKET": socket]
        let pipe = Pipe()
        process.standardOutput = pipe
        let output = RunningOutput()
        pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        try process.run()
        return (process, output)
    }

    /// Runs `unblockctl ARGUMENTS` on a pseudo-terminal (through script(1)), typing `keys` into it.
    func runOnTerminal(_ arguments: [String], keys: String = "") -> CLIResult {
        let command = ([builtProduct("unblockctl").path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        // script passes its standard input to the terminal after a pause: the prompt comes first.
        let shell = "(sleep 1; printf '\(keys)') | script -qec \"\(command)\" /dev/null"
        return runProgram(
            URL(filePath: "/bin/sh"), ["-c", shell], input: nil,
            environment: ["XDG_CONFIG_HOME": configHome, "UNBLOCK_SOCKET": socket, "PATH": "/usr/bin:/bin"])
    }

    func login(_ user: String) {
        let result = run(["login", "--user", user, "--password-stdin"], input: "\(user)-demo-password\n")
        #expect(result.status == 0, "login \(user): \(result.errors)")
    }
}

/// What a background process has printed so far.
final class RunningOutput: Sendable {
    private let data = Mutex(Data())

    func append(_ more: Data) { data.withLock { $0.append(more) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits (polling, never blocking a thread) until the text satisfies `done`, for at most `limit`.
    func wait(upTo limit: Duration = .seconds(20), until done: (String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if done(text) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return done(text)
    }
}

/// `unblockd ARGUMENTS` in the background, what it logs (standard error) collected as it comes.
final class UnblockdLog {
    let logged = RunningOutput()
    private let process = Process()

    init(_ arguments: [String]) throws {
        process.executableURL = builtProduct("unblockd")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [logged] in logged.append($0.availableData) }
        try process.run()
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
