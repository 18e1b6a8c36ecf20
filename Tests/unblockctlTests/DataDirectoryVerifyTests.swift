// unblockd verify: a data directory checked without starting a server and without being changed.
import Foundation
import Testing
import UnblockTesting

@Suite struct DataDirectoryVerifyTests {
    static func unblockd(_ arguments: [String]) -> ProgramResult {
        runProgram(builtProduct("unblockd"), arguments, environment: ["PATH": "/usr/bin:/bin"])
    }

    /// Every file's name and size, to see that verify changed nothing.
    static func files(_ folder: String) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            sizes[name] = (attributes[.size] as? NSNumber)?.intValue ?? -1
        }
        return sizes
    }

    @Test func aSoundDirectoryALeftoverSnapshotAndAnotherMasterKey() async throws {
        try await withTemporaryDirectory { folder in
            let data = folder + "/data"
            let imported = Self.unblockd([
                "import", "--data-dir", data, "--password-iterations", "1000", UnblockdProcess.demo.path,
            ])
            #expect(imported.status == 0, "\(imported.errors)")
            let sound = Self.unblockd(["verify", "--data-dir", data])
            #expect(sound.status == 0 && sound.output.contains("sound"), "\(sound.output)\(sound.errors)")
            #expect(sound.output.contains("users") && sound.output.contains("cards"))

            // A snapshot a server was writing when it stopped: said, not removed.
            FileManager.default.createFile(
                atPath: data + "/snapshot-00000000000000000099.snap.tmp", contents: Data([1, 2, 3]))
            let before = try Self.files(data)
            let leftover = Self.unblockd(["verify", "--data-dir", data])
            #expect(
                leftover.output.contains("the next start will: remove") && leftover.output.contains(".snap.tmp"),
                "\(leftover.output)\(leftover.errors)")
            #expect(try Self.files(data) == before, "verify changed nothing")

            // Another master key: the sealed keys do not open, and verify says so.
            let key = data + "/master.key"
            try FileManager.default.removeItem(atPath: key)
            FileManager.default.createFile(
                atPath: key, contents: Data((0..<32).map { _ in UInt8.random(in: 0...255) }),
                attributes: [.posixPermissions: 0o600])
            let wrongKey = Self.unblockd(["verify", "--data-dir", data])
            #expect(
                wrongKey.status == 1 && wrongKey.output.contains("sealed admin keys do not open"), "\(wrongKey.output)")
        }
    }
}
