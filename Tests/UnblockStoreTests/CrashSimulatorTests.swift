// The power-cut simulator through its binary: a store that syncs loses nothing, one that
// acknowledges before syncing is caught.
import Foundation
import Testing
import UnblockTesting

@Suite struct CrashSimulatorTests {
    func crashtest(_ arguments: [String]) -> ProgramResult {
        let folder = NSTemporaryDirectory() + "crashtest-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return runProgram(
            builtProduct("unblock-crashtest"), arguments + ["--folder", folder], environment: ["PATH": "/usr/bin:/bin"])
    }

    @Test func theStoreLosesNothingAcknowledgedAtAnyCrashPoint() {
        let run = crashtest(["300", "11", "--commits", "80"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("900 crash states checked, 0 lost"), "\(run.output)")
        // The run had the operations a power cut can cut between: renames, removals, both syncs,
        // and the data directory's own creation (its entry lost took every commit with it, until
        // its parent was synced: the simulator's first find).
        for kind in ["rename", "unlink", "directory fsync", "fdatasync", "create", "mkdir"] {
            #expect(run.output.contains(" \(kind)"), "\(run.output)")
        }
    }

    @Test func aStoreThatAcknowledgesBeforeSyncingIsCaught() {
        let run = crashtest(["300", "11", "--commits", "80", "--no-sync"])
        #expect(run.status == 1)
        #expect(run.output.contains("was acknowledged, recovery stopped at") || run.output.contains("recovery failed"))
        #expect(run.output.contains("lost: seed 11, point "), "\(run.output)")
    }
}
