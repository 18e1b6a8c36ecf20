// A disk that fails under the server: writes answer UNAVAILABLE, reads go on, Health says NOT_SERVING.
import Glibc
import Synchronization
import Testing
import UnblockClient
import UnblockStore

/// `PosixStorage` whose syncs start failing on demand, as a dying disk's would.
struct FailingSyncStorage: Storage {
    final class Switch: Sendable {
        let failing = Atomic(false)
        /// While set, a sync waits: commits stay in flight, waiting for the disk.
        let holding = Atomic(false)
    }

    let base = PosixStorage()
    let fail = Switch()

    final class File: StorageFile {
        let inner: any StorageFile
        let fail: Switch
        init(_ inner: any StorageFile, _ fail: Switch) {
            self.inner = inner
            self.fail = fail
        }
        func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) { try inner.append(bytes) }
        func sync() throws(StoreError) {
            while fail.holding.load(ordering: .relaxed) { usleep(1_000) }
            if fail.failing.load(ordering: .relaxed) { throw StoreError(code: .io, message: "injected: EIO on fsync") }
            try inner.sync()
        }
        func close() { inner.close() }
    }

    func openForAppend(_ path: String) throws(StoreError) -> any StorageFile {
        File(try base.openForAppend(path), fail)
    }
    func create(_ path: String) throws(StoreError) -> any StorageFile { File(try base.create(path), fail) }
    func read(_ path: String) throws(StoreError) -> [UInt8] { try base.read(path) }
    func truncate(_ path: String, to length: Int) throws(StoreError) { try base.truncate(path, to: length) }
    func rename(_ source: String, to destination: String) throws(StoreError) {
        try base.rename(source, to: destination)
    }
    func remove(_ path: String) throws(StoreError) { try base.remove(path) }
    func list(_ directory: String) throws(StoreError) -> [String] { try base.list(directory) }
    func syncDirectory(_ directory: String) throws(StoreError) { try base.syncDirectory(directory) }
    func fileExists(_ path: String) -> Bool { base.fileExists(path) }
}

@Suite struct DiskFailureTests {
    @Test(arguments: Transport.allCases)
    func afterAFailedSyncWritesAreUnavailableAndReadsGoOn(_ transport: Transport) async throws {
        let storage = FailingSyncStorage()
        try await TestServer.with(storage: storage) { server in
            let alice = try await server.login("alice", transport)
            _ = try await alice.unblockPinOffline(
                card: .serial(Demo.aliceContractor), challenge: String(repeating: "11", count: 16))
            storage.fail.failing.store(true, ordering: .relaxed)

            #expect(
                await status {
                    try await alice.unblockPinOffline(
                        card: .serial(Demo.aliceContractor), challenge: String(repeating: "22", count: 16))
                } == .unavailable)
            // Nothing is retried as if it were safe: later writes are refused too, at once.
            #expect(
                await status {
                    try await alice.unblockPinOffline(
                        card: .serial(Demo.aliceContractor), challenge: String(repeating: "33", count: 16))
                } == .unavailable)
            let cards = try await alice.listCards().cards
            #expect(cards.count == 3, "reads go on")
            let health = try await server.client(transport).health()
            #expect(health.status == .notServing)
        }
    }
}
