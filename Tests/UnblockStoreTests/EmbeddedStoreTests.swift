// The store end to end on real files: reopen, snapshots and rotation, every fsync policy, the lock.
import Foundation
import Synchronization
import Testing
import UnblockCore
import UnblockStore
import UnblockTesting

@Suite struct EmbeddedStoreTests {
    @Test(arguments: FsyncPolicy.allCases)
    func mutationsSurviveCloseAndReopen(_ policy: FsyncPolicy) async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path, fsync: policy))
            for index in 0..<200 { try await store.apply(Sample.commit(index)) }
            let before = store.directory
            try await store.close()
            await #expect(throws: StoreError.self) { try await store.apply(Sample.commit(999)) }

            let reopened = try EmbeddedStore(configuration: configuration(path, fsync: policy))
            #expect(reopened.directory == before)
            #expect(reopened.directory.accounts.count == 200)
            #expect(reopened.lastSequence == 200)
            try await reopened.close()
        }
    }

    @Test func concurrentCommitsAreAllDurableAndOrdered() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<50 {
                    group.addTask {
                        for index in 0..<20 { try await store.apply(Sample.commit(writer * 20 + index)) }
                    }
                }
                try await group.waitForAll()
            }
            let before = store.directory
            #expect(before.accounts.count == 1_000)
            try await store.close()
            let reopened = try EmbeddedStore(configuration: configuration(path))
            #expect(reopened.directory == before)
            try await reopened.close()
        }
    }

    /// Readers wait only while a commit applies its mutations, not while it decides them;
    /// a second commit still waits for the first and sees its mutations.
    @Test func readsGoOnWhileACommitDecides() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path, fsync: .none))
            // Threads that block on purpose: not Swift's few cooperative ones, nor the global
            // queue's (as wide as the cores: blocked, it adds a thread only after a while).
            let (readWhileDeciding, secondSaw) = await withCheckedContinuation { continuation in
                DispatchQueue(label: "test").async {
                    continuation.resume(returning: Self.readWhileACommitDecides(store))
                }
            }
            #expect(readWhileDeciding)
            #expect(secondSaw == 1)
            #expect(store.directory.accounts.count == 2)
            try await store.close()
        }
    }

    /// Holds one commit in its transaction, starts a second commit and a read meanwhile, then
    /// lets the first go on. Whether the read finished while the first decided, and how many
    /// accounts the second commit's transaction saw (nil: it ran before the first finished).
    private static func readWhileACommitDecides(_ store: EmbeddedStore) -> (Bool, Int?) {
        let deciding = DispatchSemaphore(value: 0)
        let decide = DispatchSemaphore(value: 0)
        let secondSaw = Mutex<Int?>(nil)
        let committed = DispatchGroup()
        committed.enter()
        DispatchQueue(label: "first commit").async {
            store.commit({ _ in
                deciding.signal()
                decide.wait()
                return (Sample.commit(1), ())
            }) { _ in committed.leave() }
        }
        deciding.wait()
        committed.enter()
        DispatchQueue(label: "second commit").async {
            store.commit({ directory in
                secondSaw.withLock { $0 = directory.accounts.count }
                return (Sample.commit(2), ())
            }) { _ in committed.leave() }
        }
        // Blocked behind the deciding commit, this read would never finish.
        let read = DispatchSemaphore(value: 0)
        DispatchQueue(label: "read").async {
            _ = store.withDirectory { $0.accounts.count }
            read.signal()
        }
        let readWhileDeciding = read.wait(timeout: .now() + 10) == .success
        let sawEarly = secondSaw.withLock { $0 }
        decide.signal()
        _ = committed.wait(timeout: .now() + 10)
        return (readWhileDeciding, sawEarly == nil ? secondSaw.withLock { $0 } : nil)
    }

    /// A change larger than one journal record may be is refused whole, not written for
    /// recovery to reject as a corrupt length; the store goes on.
    @Test func aChangeTooLargeForOneRecordIsRefusedAndChangesNothing() async throws {
        try await withTemporaryDirectory { path in
            var settings = configuration(path)
            settings.maximumRecordBytes = 4_096
            let store = try EmbeddedStore(configuration: settings)
            try await store.apply(Sample.commit(0))
            do {
                try await store.apply((1...100).flatMap(Sample.commit))
                Issue.record("a change of ~30 KB went into a 4 KiB record")
            } catch let error as StoreError {
                #expect(error.code == .tooLarge && error.message.contains("4096"), "\(error.message)")
            }
            #expect(store.directory.accounts.count == 1 && store.lastSequence == 1)
            try await store.apply(Sample.commit(101))
            let before = store.directory
            try await store.close()
            let reopened = try EmbeddedStore(configuration: settings)
            #expect(reopened.directory == before && reopened.lastSequence == 2)
            try await reopened.close()
        }
    }

    @Test func snapshotsRotateTheJournalAndKeepThePreviousOne() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path, snapshotEvery: 25))
            for index in 0..<230 { try await store.apply(Sample.commit(index)) }
            try await store.snapshot()
            let before = store.directory
            let files = try FileManager.default.contentsOfDirectory(atPath: path + "/data")
            #expect(files.filter { $0.hasPrefix("snapshot-") }.count == 2)
            #expect(files.filter { $0.hasPrefix("journal-") }.count <= 3)
            #expect(!files.contains { $0.hasSuffix(".tmp") })
            try await store.close()
            let reopened = try EmbeddedStore(configuration: configuration(path))
            #expect(reopened.directory == before)
            try await reopened.close()
        }
    }

    @Test func aSecondServerCannotOpenTheSameDirectory() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            do {
                _ = try EmbeddedStore(configuration: configuration(path))
                Issue.record("opened a locked directory")
            } catch let error as StoreError {
                #expect(error.code == .locked)
                #expect(error.message.contains("in use by another unblockd"))
            }
            try await store.close()
        }
    }

    @Test func transactionErrorsApplyNothing() async throws {
        struct Refused: Error {}
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            try await store.apply(Sample.commit(0))
            await #expect(throws: Refused.self) {
                try await store.commit { _ -> (mutations: [Mutation], result: Void) in throw Refused() }
            }
            #expect(store.lastSequence == 1)
            let unchanged = try await store.commit { directory in ([], directory.accounts.count) }
            #expect(unchanged == 1 && store.lastSequence == 1)
            try await store.close()
        }
    }

    @Test func dataFilesAreNotReadableByOthersAndHoldNoPlaintextSecrets() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            try await store.apply(Sample.commit(0))
            try await store.close()
            for name in try FileManager.default.contentsOfDirectory(atPath: path + "/data") {
                let attributes = try FileManager.default.attributesOfItem(atPath: path + "/data/" + name)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
                #expect(mode & 0o077 == 0, "\(name) has mode \(String(mode, radix: 8))")
            }
        }
    }
}
