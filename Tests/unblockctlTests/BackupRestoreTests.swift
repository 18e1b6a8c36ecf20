// Online backup and offline restore, through unblockctl and unblockd, under load.
import Foundation
import Synchronization
import Testing
import UnblockClient
import UnblockStore
import UnblockTesting
import UnblockWire

@Suite struct BackupRestoreTests {
    /// Unblocks and admin changes from several clients until told to stop; counts what was answered.
    static func load(socket: String, until stop: LoadProgress) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let client = UnblockClient(target: .unixDomainSocket(path: socket))
                    let admin = worker == 0
                    _ = try await client.authenticate(
                        username: admin ? "admin" : "alice",
                        password: admin ? "admin-demo-password" : "alice-demo-password")
                    var answered = 0
                    while !stop.isSet {
                        if admin {
                            let state: CardState = answered % 2 == 0 ? .suspended : .active
                            _ = try await client.setCardState(serial: "0499AABBCCDDEE", state: state)
                            _ = try await client.resetResponseLimit(serial: "04A1B2C3D4E5F6")
                        } else {
                            let challenge = (0..<16).map { _ in String(format: "%02X", UInt8.random(in: 0...255)) }
                                .joined()
                            do {
                                _ = try await client.unblockPinOffline(
                                    card: .serial("04A1B2C3D4E5F6"), challenge: challenge)
                                stop.countUnblock()
                            } catch let error as UnblockClientError where error.code == .resourceExhausted {
                                // The card's daily limit, until the admin worker resets it.
                            }
                        }
                        answered += 1
                    }
                    return answered
                }
            }
            return try await group.reduce(0, +)
        }
    }

    @Test func aBackupTakenUnderLoadRestoresToTheOriginalAtItsSequence() async throws {
        let cli = try await CLIHarness(extra: ["--responses-per-day", "1000"])
        defer { cli.stop() }
        let backup = cli.folder + "/backup"
        let restored = cli.folder + "/restored"
        #expect(
            cli.run(["login", "--user", "admin", "--password-stdin"], input: "admin-demo-password\n").status == 0)

        let stop = LoadProgress()
        let socket = cli.socket
        let loadTask = Task { try await Self.load(socket: socket, until: stop) }
        // The backup once some responses were issued, the load going on until more were.
        try await stop.waitForUnblocks(10)
        let taken = cli.run(["admin", "backup", "--to", backup, "--json"])
        try await stop.waitForUnblocks(stop.unblocks + 10)
        stop.set()
        let calls = try await loadTask.value
        #expect(taken.status == 0, "\(taken.errors)")
        let sequence = try #require(taken.json["sequence"] as? Int)
        #expect(calls > 20 && sequence > 5)
        #expect(FileManager.default.fileExists(atPath: backup + "/manifest.json"))
        #expect(!FileManager.default.fileExists(atPath: backup + "/master.key"))

        // Restoring needs the master key, which the backup does not hold unless asked.
        let data = cli.folder + "/data"
        let withoutKey = runProgram(
            builtProduct("unblockd"), ["restore", "--from", backup, "--data-dir", restored], environment: [:])
        #expect(withoutKey.status == 1 && withoutKey.errors.contains("--master-key FILE"), "\(withoutKey.errors)")
        let restore = runProgram(
            builtProduct("unblockd"),
            ["restore", "--from", backup, "--data-dir", restored, "--master-key", data + "/master.key"],
            environment: [:])
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(
            restore.output.contains("sequence \(sequence)") && restore.output.contains("sound"), "\(restore.output)")

        // Every user, card, profile, process setting, replay history and audit event, as the
        // original held them at that sequence (read from its journal, the server stopped first).
        cli.stop(keepingFiles: true)
        let original = try EmbeddedStore.directory(inDataDirectory: data, through: UInt64(sequence))
        let copy = try EmbeddedStore.directory(inDataDirectory: restored, through: nil)
        #expect(original.lastSequence == UInt64(sequence) && copy.lastSequence == UInt64(sequence))
        #expect(copy.directory == original.directory)
        // The load went on after the backup: the original's end is not what the backup holds.
        let end = try EmbeddedStore.directory(inDataDirectory: data, through: nil)
        #expect(end.lastSequence > UInt64(sequence) && end.directory != original.directory)
        #expect(copy.directory.cards.values.contains { !$0.responses.isEmpty })

        // A server starts on it and answers.
        let server = try await UnblockdProcess(extra: ["--data-dir", restored])
        defer { server.stop() }
        let alice = UnblockClient(target: .unixDomainSocket(path: server.socket))
        _ = try await alice.authenticate(username: "alice", password: "alice-demo-password")
        #expect(try await alice.listCards().cards.count == 3)
        try? FileManager.default.removeItem(atPath: cli.folder)
    }

    @Test func aDamagedOrIncompleteBackupIsRefusedAndNothingIsWritten() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        #expect(
            cli.run(["login", "--user", "admin", "--password-stdin"], input: "admin-demo-password\n").status == 0)
        let backup = cli.folder + "/backup"
        let taken = cli.run(["admin", "backup", "--to", backup, "--include-master-key"])
        #expect(taken.status == 0 && taken.output.contains("Backed up to \(backup)"), "\(taken.errors)")
        // Not into a directory that holds files, nor a relative path.
        let again = cli.run(["admin", "backup", "--to", backup])
        #expect(again.status != 0 && again.errors.contains("\(backup) is not empty"), "\(again.errors)")
        #expect(cli.run(["admin", "backup", "--to", "relative/dir"]).errors.contains("absolute path"))
        // A self-service user may not.
        #expect(
            cli.run(["login", "--user", "bob", "--password-stdin"], input: "bob-demo-password\n").status == 0)
        #expect(cli.run(["admin", "backup", "--to", cli.folder + "/other"]).status == 66)

        let snapshot = try #require(
            try FileManager.default.contentsOfDirectory(atPath: backup).first { $0.hasPrefix("snapshot-") })
        let handle = try #require(FileHandle(forUpdatingAtPath: backup + "/" + snapshot))
        try handle.seek(toOffset: 40)
        try handle.write(contentsOf: Data([0xFF]))
        try handle.close()
        let restored = cli.folder + "/restored"
        let damaged = runProgram(
            builtProduct("unblockd"), ["restore", "--from", backup, "--data-dir", restored], environment: [:])
        #expect(damaged.status == 1)
        #expect(damaged.errors.contains("\(backup)/\(snapshot) is damaged"), "\(damaged.errors)")
        #expect(!FileManager.default.fileExists(atPath: restored))

        try FileManager.default.removeItem(atPath: backup + "/manifest.json")
        let unfinished = runProgram(
            builtProduct("unblockd"), ["restore", "--from", backup, "--data-dir", restored], environment: [:])
        #expect(unfinished.status == 1 && unfinished.errors.contains("not a backup, or one that did not finish"))
    }
}

/// The load's responses so far, and its stop: told once, read by every worker.
final class LoadProgress: Sendable {
    private let stopped = Atomic(false)
    private let issued = Atomic(0)
    var isSet: Bool { stopped.load(ordering: .relaxed) }
    func set() { stopped.store(true, ordering: .relaxed) }
    var unblocks: Int { issued.load(ordering: .relaxed) }
    func countUnblock() { issued.add(1, ordering: .relaxed) }

    /// Waits (30 s at most: a loaded machine is slow, not stuck) until `count` responses were issued.
    func waitForUnblocks(_ count: Int) async throws {
        for _ in 0..<3_000 where unblocks < count { try await Task.sleep(for: .milliseconds(10)) }
    }
}
