// A file layer for tests that injects disk faults: failing syncs, a disk that fills up, syncs held back.
import Glibc
import Synchronization
import UnblockStore

/// Disk faults to inject into a `FaultyStorage`.
public final class Faults: Sendable {
    private struct State {
        var failSync = false
        var holdSync = false
        var bytesUntilFull: Int?
        var refuseCreating: (@Sendable (String) -> Bool)?
    }
    private let state = Mutex(State())

    public init() {}

    /// Every sync from now on fails, as a dying disk's would.
    public func failNextSyncs() { state.withLock { $0.failSync = true } }
    /// Writes stop after `bytes` more, as on a full disk.
    public func fillDisk(after bytes: Int) { state.withLock { $0.bytesUntilFull = bytes } }
    /// Creating a file whose path matches fails, as on a full disk.
    public func refuseCreating(where matches: @escaping @Sendable (String) -> Bool) {
        state.withLock { $0.refuseCreating = matches }
    }
    /// While held, a file sync waits: commits stay in flight, waiting for the disk.
    public func holdSyncs(_ held: Bool) { state.withLock { $0.holdSync = held } }

    /// How many of `count` bytes may be written now (fewer when the disk fills up).
    func allow(_ count: Int) -> Int {
        state.withLock { state in
            guard let left = state.bytesUntilFull else { return count }
            state.bytesUntilFull = max(0, left - count)
            return min(left, count)
        }
    }

    var syncFails: Bool { state.withLock { $0.failSync } }
    func refusesCreating(_ path: String) -> Bool { state.withLock { $0.refuseCreating?(path) ?? false } }
    var syncHeld: Bool { state.withLock { $0.holdSync } }
}

/// `PosixStorage` with `Faults` applied to every file it opens.
public struct FaultyStorage: Storage {
    public let faults: Faults
    let base = PosixStorage()

    public init(faults: Faults) {
        self.faults = faults
    }

    final class File: StorageFile {
        let inner: any StorageFile
        let faults: Faults
        init(_ inner: any StorageFile, _ faults: Faults) {
            self.inner = inner
            self.faults = faults
        }
        func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            let allowed = faults.allow(bytes.count)
            try inner.append(UnsafeRawBufferPointer(rebasing: bytes[0..<allowed]))
            if allowed < bytes.count { throw StoreError(code: .io, message: "injected: no space left on device") }
        }
        func sync() throws(StoreError) {
            while faults.syncHeld { usleep(1_000) }
            if faults.syncFails { throw StoreError(code: .io, message: "injected: fsync failed") }
            try inner.sync()
        }
        func close() { inner.close() }
    }

    public func openForWriting(_ path: String, at offset: Int) throws(StoreError) -> any StorageFile {
        File(try base.openForWriting(path, at: offset), faults)
    }
    public func create(_ path: String) throws(StoreError) -> any StorageFile {
        if faults.refusesCreating(path) { throw StoreError(code: .io, message: "injected: no space left on device") }
        return File(try base.create(path), faults)
    }
    public func read(_ path: String) throws(StoreError) -> [UInt8] { try base.read(path) }
    public func truncate(_ path: String, to length: Int) throws(StoreError) { try base.truncate(path, to: length) }
    public func rename(_ source: String, to destination: String) throws(StoreError) {
        try base.rename(source, to: destination)
    }
    public func remove(_ path: String) throws(StoreError) { try base.remove(path) }
    public func list(_ directory: String) throws(StoreError) -> [String] { try base.list(directory) }
    public func makeDirectory(_ path: String) throws(StoreError) { try base.makeDirectory(path) }

    public func syncDirectory(_ directory: String) throws(StoreError) {
        if faults.syncFails { throw StoreError(code: .io, message: "injected: fsync failed") }
        try base.syncDirectory(directory)
    }
    public func fileExists(_ path: String) -> Bool { base.fileExists(path) }
}
