// Recovery over a data directory held in memory, for the fuzzer: any bytes that pass the checksums must not crash a start.
import Synchronization

/// Runs the store's recovery on one journal file or one snapshot file made of `records`,
/// each framed as the store writes them (length, CRC-32C): damaged content that the
/// checksums cannot catch (a bug's record, a crafted file) must make a start fail with a
/// `StoreError` naming the damage, never crash the server on every start. `unblock-fuzz` drives it.
package enum RecoveryFuzzing {
    /// Recovers from a journal holding `records`; the last sequence recovered, or why not.
    package static func recoverJournal(records: [[UInt8]]) -> Result<UInt64, StoreError> {
        recover(name: JournalFiles.journalName(firstSequence: 1), magic: JournalFiles.journalMagic, records)
    }

    /// Recovers from a snapshot holding `records` (header, chunks, trailer) and no journal.
    package static func recoverSnapshot(records: [[UInt8]]) -> Result<UInt64, StoreError> {
        recover(name: JournalFiles.snapshotName(lastSequence: 1), magic: JournalFiles.snapshotMagic, records)
    }

    private static func recover(name: String, magic: [UInt8], _ records: [[UInt8]]) -> Result<UInt64, StoreError> {
        var file = magic
        for record in records { RecordFraming.append(record, to: &file) }
        let storage = MemoryStorage(files: ["/fuzz/" + name: file])
        return Result { () throws(StoreError) in
            try Recovery.recover(folder: "/fuzz", storage: storage, auditRetention: 1_000).lastSequence
        }
    }
}

/// Files in memory, enough for recovery (which reads, lists, cuts and renames).
final class MemoryStorage: Storage {
    private let files: Mutex<[String: [UInt8]]>

    init(files: [String: [UInt8]]) { self.files = Mutex(files) }

    func openForWriting(_ path: String, at offset: Int) throws(StoreError) -> any StorageFile {
        throw StoreError(code: .io, message: "memory storage is for recovery only")
    }
    func create(_ path: String) throws(StoreError) -> any StorageFile {
        throw StoreError(code: .io, message: "memory storage is for recovery only")
    }
    func read(_ path: String) throws(StoreError) -> [UInt8] {
        guard let bytes = files.withLock({ $0[path] }) else { throw StoreError(code: .io, message: "no \(path)") }
        return bytes
    }
    func truncate(_ path: String, to length: Int) throws(StoreError) {
        files.withLock { $0[path] = $0[path].map { Array($0.prefix(length)) } }
    }
    func rename(_ source: String, to destination: String) throws(StoreError) {
        files.withLock { $0[destination] = $0.removeValue(forKey: source) }
    }
    func remove(_ path: String) throws(StoreError) { _ = files.withLock { $0.removeValue(forKey: path) } }
    func list(_ directory: String) throws(StoreError) -> [String] {
        files.withLock { Array($0.keys) }.filter { $0.hasPrefix(directory + "/") }
            .map { String($0.dropFirst(directory.count + 1)) }
    }
    func syncDirectory(_ directory: String) throws(StoreError) {}
    func makeDirectory(_ path: String) throws(StoreError) {}
    func fileExists(_ path: String) -> Bool { files.withLock { $0[path] != nil } }
}
