// unblock-fuzz without the fuzzer: the fuzzer's checks replayed on saved inputs, through the built binary.
import Foundation
import NIOCore
import Testing
import UnblockWire

@Suite struct UnblockFuzzTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appending(path: "unblock-fuzz")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func savedInputsReplayThroughEveryCheck() throws {
        var frame = ByteBuffer()
        frame.writeRequestFrame(
            callID: 7, method: SelfService.UnblockPinOffline.name, sessionToken: "token",
            request: UnblockPinOfflineRequest(card: .serial("04A1B2C3D4E5F6"), challenge: "1603EBDF1C8A2E72"))
        let valid = Array(frame.readableBytesView)
        let inputs: [[UInt8]] = [
            valid,
            Array(valid.dropFirst(4)),  // the envelope alone: parses as a RequestFrame
            Array(valid.prefix(valid.count / 2)),
            [0xFF, 0xFF, 0xFF, 0xFF] + valid,
            (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) },
        ]
        let folder = FileManager.default.temporaryDirectory.appending(
            path: "ubfuzz-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, input) in inputs.enumerated() {
            let file = folder.appending(path: "input-\(index)")
            try Data(input).write(to: file)
            paths.append(file.path)
        }
        let replay = try run(paths)
        #expect(replay.status == 0, "\(replay.output)")
        #expect(replay.output.contains("\(inputs.count) inputs checked"))

        let usage = try run([])
        #expect(usage.status == 64 && usage.output.contains("Scripts/fuzz"))
    }
}
