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

    init(extra: [String] = [], directoryFile: String = demo.path) async throws {
        server.executableURL = builtProduct("unblockd")
        server.arguments =
            [
                "serve", "--data-dir", folder + "/data", "--unix-socket", folder + "/s.sock", "--tcp", "none",
                "--import", directoryFile, "--password-iterations", "1000", "--log-level", "error",
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

/// Runs a program to its end with `input` on standard input, and captures what it prints.
func runProgram(_ program: URL, _ arguments: [String], input: String?, environment: [String: String]) -> CLIResult {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.environment = environment
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

/// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick, then released).
func freeTCPPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard bound else { throw CocoaError(.fileWriteUnknown) }
    return Int(UInt16(bigEndian: address.sin_port))
}
