// A real process making acknowledged commits is SIGKILLed at random moments; nothing acknowledged is lost.
import Foundation
import Testing
import UnblockCore
import UnblockStore
import UnblockTesting

@Suite struct CrashTests {
    @Test func acknowledgedCommitsSurviveSIGKILL() async throws {
        let writer = builtProduct("store-crash-writer")
        try await withTemporaryDirectory { path in
            var generator = SystemRandomNumberGenerator()
            var acknowledged: Set<UInt32> = []
            for round in 0..<15 {
                let process = Process()
                process.executableURL = writer
                process.arguments = [path + "/data", "1000000"]
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                // Kill after a random number of acknowledgements, plus a random pause, so that the
                // kill lands anywhere: mid-write, mid-sync, mid-snapshot, between commits.
                let killAfter = Int.random(in: 1...300, using: &generator)
                var seen = 0
                var pending = Data()
                while seen < killAfter {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    pending.append(chunk)
                    seen = pending.split(separator: UInt8(ascii: "\n")).count
                }
                usleep(UInt32.random(in: 0...3_000, using: &generator))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                pending.append(output.fileHandleForReading.readDataToEndOfFile())
                for line in String(decoding: pending, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ack ")
                {
                    acknowledged.insert(UInt32(line.dropFirst(4))!)
                }

                let store = try EmbeddedStore(configuration: configuration(path))
                let directory = store.directory
                let missing = acknowledged.filter { directory.account(id: AccountID($0)) == nil }
                #expect(missing.isEmpty, "round \(round): lost acknowledged commits \(missing.sorted().prefix(10))")
                try await store.close()
            }
            #expect(acknowledged.count > 100)
        }
    }
}
