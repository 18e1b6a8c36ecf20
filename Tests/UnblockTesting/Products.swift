// The executables the package builds, run by the tests as a user would run them.
import Foundation

/// A product built next to the test binary (`swift build --build-tests` builds every executable).
public func builtProduct(_ name: String) -> URL {
    URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: name)
}

/// What one run of a program printed and returned.
public struct ProgramResult: Sendable {
    public let status: Int32
    public let output: String
    public let errors: String

    public init(status: Int32, output: String, errors: String) {
        self.status = status
        self.output = output
        self.errors = errors
    }

    /// The standard output parsed as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any] ?? [:]
    }
}

/// Runs a program to its end with `input` on standard input, and captures what it prints.
public func runProgram(_ program: URL, _ arguments: [String], input: String? = nil, environment: [String: String])
    -> ProgramResult
{
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
    do { try process.run() } catch { return ProgramResult(status: -1, output: "", errors: "\(error)") }
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try? stdin.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProgramResult(
        status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
        errors: String(decoding: err, as: UTF8.self))
}
