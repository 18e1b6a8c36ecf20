// Crash recovery: torn tails at every byte, flipped bits, damaged snapshots, failing disks.
import Foundation
import StorageFaults
import Testing
import UnblockCore
import UnblockStore
import UnblockTesting

/// A data directory frozen while its store was still open: what a crash leaves behind.
struct CrashImage {
    let files: [String: Data]
    /// The directory after each commit (index 0: empty).
    let states: [Directory]
    let journalName: String
    /// Bytes of zeros the journal was made with (0: it grew as it was written).
    let preallocation: Int

    static func make(commits: Int, in path: String, preallocation: Int = 0) async throws -> CrashImage {
        let store = try EmbeddedStore(configuration: configuration(path, preallocation: preallocation))
        var states = [store.directory]
        for index in 0..<commits {
            try await store.apply(Sample.commit(index))
            states.append(store.directory)
        }
        let folder = path + "/data"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != "LOCK" {
            files[name] = try Data(contentsOf: URL(filePath: folder + "/" + name))
        }
        try await store.close()
        let journals = files.keys.filter { $0.hasPrefix("journal-") && $0.hasSuffix(".log") }
        #expect(journals.count == 1)
        return CrashImage(files: files, states: states, journalName: journals[0], preallocation: preallocation)
    }

    /// Lays the image out in a new data directory, with the journal changed by `edit`.
    func restore(into path: String, editJournal edit: (inout Data) -> Void = { _ in }) throws {
        let folder = path + "/data"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, data) in files {
            var data = data
            if name == journalName { edit(&data) }
            try data.write(to: URL(filePath: folder + "/" + name))
            chmod(folder + "/" + name, 0o600)
        }
    }

    /// Start offsets of every record in the journal, and where the records end.
    var recordOffsets: [Int] { Self.recordOffsets(in: files[journalName]!) }

    /// Start offsets of every record in a journal file's bytes, and where the records end.
    static func recordOffsets(in data: Data) -> [Int] {
        var offsets: [Int] = []
        var offset = 8
        func length(at offset: Int) -> Int {
            data[offset..<offset + 4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        }
        // A journal made ahead of use holds zeros after its records.
        while offset < data.count && length(at: offset) > 0 {
            offsets.append(offset)
            offset += 8 + length(at: offset)
        }
        return offsets + [offset]
    }

    /// What a crash leaves of the journal when only its first `count` bytes were written:
    /// a shorter file, or the zeros it was made with from there on.
    func writtenUpTo(_ count: Int) -> (inout Data) -> Void {
        let end = recordOffsets.last!
        return { data in
            if preallocation == 0 { data = data.prefix(count) } else { data.resetBytes(in: count..<end) }
        }
    }
}

/// Journals that grow as they are written, and journals made ahead of use (64 KiB of zeros).
let journalKinds = [0, 64 << 10]

@Suite struct RecoveryTests {
    @Test(arguments: journalKinds)
    func journalCutAtEveryByteOfItsLastRecordsRecoversTheCompleteOnes(_ preallocation: Int) async throws {
        try await withTemporaryDirectory { path in
            let image = try await CrashImage.make(commits: 12, in: path, preallocation: preallocation)
            let offsets = image.recordOffsets
            #expect(offsets.count == 13)
            #expect(image.files[image.journalName]!.count == max(offsets.last!, preallocation))
            for cut in offsets[offsets.count - 4]..<offsets.last! {
                try image.restore(into: path, editJournal: image.writtenUpTo(cut))
                let complete = offsets.filter { $0 <= cut }.count - 1
                let store = try EmbeddedStore(configuration: configuration(path, preallocation: preallocation))
                #expect(store.directory == image.states[complete], "cut at \(cut)")
                #expect(store.lastSequence == UInt64(complete))
                // The store keeps working after the repair.
                try await store.apply(Sample.commit(100))
                try await store.close()
                let reopened = try EmbeddedStore(configuration: configuration(path, preallocation: preallocation))
                #expect(reopened.lastSequence == UInt64(complete + 1), "cut at \(cut)")
                try await reopened.close()
            }
        }
    }

    @Test(arguments: 0..<8)
    func aJournalCutInsideItsHeaderIsReplacedAndLaterCommitsSurviveACrash(_ cut: Int) async throws {
        try await withTemporaryDirectory { path in
            // A crash as a growing journal was created: only `cut` bytes of its 8-byte header
            // exist. (A journal made ahead of use gets its name once its header is on disk.)
            let image = try await CrashImage.make(commits: 0, in: path)
            try image.restore(into: path) { $0 = $0.prefix(cut) }
            let store = try EmbeddedStore(configuration: configuration(path, preallocation: 0))
            try await store.apply(Sample.commit(0))
            let expected = store.directory
            // Then a crash with that commit only in the journal: the files as they are now.
            let folder = path + "/data"
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != "LOCK" {
                files[name] = try Data(contentsOf: URL(filePath: folder + "/" + name))
            }
            try await store.close()
            try FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, data) in files {
                try data.write(to: URL(filePath: folder + "/" + name))
                chmod(folder + "/" + name, 0o600)
            }
            let reopened = try EmbeddedStore(configuration: configuration(path, preallocation: 0))
            #expect(reopened.directory == expected)
            #expect(reopened.lastSequence == 1)
            try await reopened.close()
        }
    }

    @Test(arguments: journalKinds)
    func aFlippedBitInTheLastRecordIsATornTail(_ preallocation: Int) async throws {
        try await withTemporaryDirectory { path in
            let image = try await CrashImage.make(commits: 6, in: path, preallocation: preallocation)
            let offsets = image.recordOffsets
            try image.restore(into: path) { $0[offsets[5] + 12] ^= 0x10 }
            let store = try EmbeddedStore(configuration: configuration(path, preallocation: preallocation))
            #expect(store.directory == image.states[5])
            try await store.close()
        }
    }

    @Test(arguments: [0, 2, 4], journalKinds)
    func aFlippedBitInAnEarlierRecordStopsTheStartNamingFileAndOffset(_ record: Int, _ preallocation: Int)
        async throws
    {
        try await withTemporaryDirectory { path in
            let image = try await CrashImage.make(commits: 6, in: path, preallocation: preallocation)
            let offsets = image.recordOffsets
            try image.restore(into: path) { $0[offsets[record] + 9] ^= 0x01 }
            do {
                _ = try EmbeddedStore(configuration: configuration(path))
                Issue.record("opened a journal damaged in the middle")
            } catch let error as StoreError {
                #expect(error.code == .corrupt)
                #expect(error.message.contains(image.journalName))
                #expect(error.message.contains("at byte \(offsets[record])"), "\(error.message)")
            }
        }
    }

    @Test func aDamagedSnapshotFallsBackToThePreviousOneAndTheJournal() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            for index in 0..<20 { try await store.apply(Sample.commit(index)) }
            try await store.snapshot()
            for index in 20..<40 { try await store.apply(Sample.commit(index)) }
            let expected = store.directory
            try await store.close()  // writes the newest snapshot

            let folder = path + "/data"
            let snapshots = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0.hasPrefix("snapshot-") }.sorted()
            #expect(snapshots.count == 2)
            try flipByte(in: folder + "/" + snapshots[1], at: 300)

            let recovered = try EmbeddedStore(configuration: configuration(path))
            #expect(recovered.directory == expected)
            try await recovered.close()
            #expect(FileManager.default.fileExists(atPath: folder + "/" + snapshots[1] + ".damaged"))
        }
    }

    @Test func twoDamagedSnapshotsStopTheStartNamingTheNewest() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            for index in 0..<20 { try await store.apply(Sample.commit(index)) }
            try await store.snapshot()
            try await store.apply(Sample.commit(20))
            try await store.close()
            let folder = path + "/data"
            let snapshots = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0.hasPrefix("snapshot-") }.sorted()
            for name in snapshots { try flipByte(in: folder + "/" + name, at: 100) }
            do {
                _ = try EmbeddedStore(configuration: configuration(path))
                Issue.record("opened with both snapshots damaged")
            } catch let error as StoreError {
                #expect(error.code == .corrupt)
                #expect(error.message.contains(snapshots[1]) && error.message.contains("at byte"), "\(error.message)")
            }
        }
    }

    @Test func aFailedSyncFailsTheCommitAndEveryLaterOneButCorruptsNothing() async throws {
        try await withTemporaryDirectory { path in
            let faults = Faults()
            let store = try EmbeddedStore(configuration: configuration(path, storage: FaultyStorage(faults: faults)))
            for index in 0..<10 { try await store.apply(Sample.commit(index)) }
            let acknowledged = store.directory
            faults.failNextSyncs()
            await #expect(throws: StoreError.self) { try await store.apply(Sample.commit(10)) }
            #expect(!store.isWritable)
            do {
                try await store.apply(Sample.commit(11))
                Issue.record("a write was accepted after a failed sync")
            } catch let error as StoreError {
                #expect(error.code == .failed)
                #expect(error.message.contains("until restarted"))
            }
            try await store.close()

            let reopened = try EmbeddedStore(configuration: configuration(path))
            for (id, account) in acknowledged.accounts { #expect(reopened.directory.account(id: id) == account) }
            #expect(reopened.directory.account(id: AccountID(12)) == nil)
            try await reopened.apply(Sample.commit(50))
            try await reopened.close()
        }
    }

    @Test func aDiskFullMidWriteLeavesARepairableTail() async throws {
        try await withTemporaryDirectory { path in
            let faults = Faults()
            let store = try EmbeddedStore(configuration: configuration(path, storage: FaultyStorage(faults: faults)))
            for index in 0..<10 { try await store.apply(Sample.commit(index)) }
            let acknowledged = store.directory
            faults.fillDisk(after: 37)
            await #expect(throws: StoreError.self) { try await store.apply(Sample.commit(10)) }
            await #expect(throws: StoreError.self) { try await store.apply(Sample.commit(11)) }
            try await store.close()

            let reopened = try EmbeddedStore(configuration: configuration(path))
            #expect(reopened.directory == acknowledged)
            try await reopened.apply(Sample.commit(10))
            try await reopened.close()
        }
    }
}

func flipByte(in path: String, at offset: Int) throws {
    var data = try Data(contentsOf: URL(filePath: path))
    data[offset] ^= 0xFF
    try data.write(to: URL(filePath: path))
}
