// Journal files made ahead of use: written over their zeros, continued after a restart, replaced when full.
import Foundation
import StorageFaults
import Testing
import UnblockCore
import UnblockStore
import UnblockTesting

@Suite struct PreallocatedJournalTests {
    /// Journal files (not the spare) in a data directory, oldest first, with their sizes.
    func journals(in path: String) throws -> [(name: String, size: Int)] {
        let folder = path + "/data"
        return try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix("journal-") && $0.hasSuffix(".log") }.sorted()
            .map { ($0, try Data(contentsOf: URL(filePath: folder + "/" + $0)).count) }
    }

    @Test func aRestartGoesOnWritingOverTheZeros() async throws {
        try await withTemporaryDirectory { path in
            let image = try await CrashImage.make(commits: 6, in: path, preallocation: 64 << 10)
            #expect(image.files[image.journalName]!.count == 64 << 10)
            try image.restore(into: path)
            let store = try EmbeddedStore(configuration: configuration(path))
            #expect(store.directory == image.states[6])
            try await store.apply(Sample.commit(6))
            let expected = store.directory
            // The new record went over the zeros: same file, same size, one more record.
            let folder = path + "/data"
            let journal = try Data(contentsOf: URL(filePath: folder + "/" + image.journalName))
            #expect(journal.count == 64 << 10)
            #expect(CrashImage.recordOffsets(in: journal).count == 8)
            try await store.close()
            let reopened = try EmbeddedStore(configuration: configuration(path))
            #expect(reopened.directory == expected)
            try await reopened.close()
        }
    }

    @Test func aJournalOutOfZerosGoesOnInTheNextFileMadeAheadAndACrashLosesNothing() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path, preallocation: 16 << 10))
            var commits = 0
            while try journals(in: path).count < 4 && commits < 2_000 {
                try await store.apply(Sample.commit(commits))
                commits += 1
            }
            let files = try journals(in: path)
            #expect(files.count >= 4, "\(commits) commits")
            // Files made ahead of use keep their size; the records of each start in the one before.
            #expect(files.dropLast().contains { $0.size == 16 << 10 })
            let expected = store.directory
            // A crash now: the files as they are, the spare included.
            let image = path + "/image"
            try FileManager.default.copyItem(atPath: path + "/data", toPath: image + "/data")
            try FileManager.default.removeItem(atPath: image + "/data/LOCK")
            try await store.close()
            let recovered = try EmbeddedStore(configuration: configuration(image, preallocation: 16 << 10))
            #expect(recovered.directory == expected)
            #expect(recovered.lastSequence == UInt64(commits))
            try await recovered.close()
        }
    }

    @Test func zerosFollowedByRecordsAreDamageNotATornTail() async throws {
        try await withTemporaryDirectory { path in
            let image = try await CrashImage.make(commits: 6, in: path, preallocation: 64 << 10)
            let offsets = image.recordOffsets
            try image.restore(into: path) { $0.resetBytes(in: offsets[2]..<offsets[3]) }
            do {
                _ = try EmbeddedStore(configuration: configuration(path))
                Issue.record("opened a journal with a record missing in the middle")
            } catch let error as StoreError {
                #expect(error.code == .corrupt)
                #expect(error.message.contains(image.journalName), "\(error.message)")
                #expect(error.message.contains("at byte \(offsets[2])"), "\(error.message)")
            }
        }
    }

    @Test func withoutSparesTheJournalGrowsAndLosesNothing() async throws {
        try await withTemporaryDirectory { path in
            let faults = Faults()
            faults.refuseCreating { $0.hasSuffix(".spare") }
            let storage = FaultyStorage(faults: faults)
            let store = try EmbeddedStore(configuration: configuration(path, storage: storage))
            for index in 0..<40 { try await store.apply(Sample.commit(index)) }
            let expected = store.directory
            let files = try journals(in: path)
            #expect(files.count == 1)
            let offsets = CrashImage.recordOffsets(
                in: try Data(contentsOf: URL(filePath: path + "/data/" + files[0].name)))
            #expect(files[0].size == offsets.last!, "no zeros: the file grew as it was written")
            #expect(offsets.count == 41)
            try await store.close()
            let reopened = try EmbeddedStore(configuration: configuration(path))
            #expect(reopened.directory == expected)
            try await reopened.close()
        }
    }

    @Test func aGracefulCloseLeavesNoSpareAndNoUnusedZeros() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            for index in 0..<5 { try await store.apply(Sample.commit(index)) }
            try await store.close()
            let names = try FileManager.default.contentsOfDirectory(atPath: path + "/data")
            #expect(!names.contains { $0.hasSuffix(".spare") })
            // The final snapshot's rotation started a plain journal: its header only.
            #expect(try journals(in: path).last!.size == 8)
        }
    }
}
