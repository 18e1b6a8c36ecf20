// Rebuilds the directory at start: newest valid snapshot, then every journal record after it.
import UnblockCore
import UnblockProtobufBridge

/// Where the records of the last journal file end: the writer goes on from there.
struct JournalEnd {
    var path: String
    var offset: Int
    /// The file's size: beyond `offset` it holds zeros made ahead of use.
    var size: Int
}

/// What recovery found: the state, where the journal continues, and what it repaired.
struct RecoveredState {
    var directory: Directory
    var lastSequence: UInt64
    /// The journal file to go on writing (nil: start a new one).
    var append: JournalEnd?
    /// Repairs made (a cut torn tail, a skipped damaged snapshot), for the log.
    var warnings: [String]
}

enum Recovery {
    /// The directory in `folder` after its last commit, or after commit `through` when given
    /// (from a snapshot no newer, and the journal; for comparing a backup with its original).
    static func recover(folder: String, storage: any Storage, auditRetention: Int, through: UInt64? = nil)
        throws(StoreError) -> RecoveredState
    {
        let names = try storage.list(folder)
        let snapshots = names.compactMap(JournalFiles.snapshotSequence).sorted(by: >).filter { $0 <= through ?? .max }
        let journals = names.compactMap(JournalFiles.journalSequence).sorted()
        var warnings: [String] = []
        // A journal file being made ahead of use when the server stopped: made again later.
        if names.contains(JournalFiles.spareName) { try storage.remove("\(folder)/\(JournalFiles.spareName)") }
        for name in names where name.hasSuffix(".tmp") {
            try storage.remove("\(folder)/\(name)")
            warnings.append("removed \(name), a snapshot that was being written when the server stopped")
        }

        var newestFailure: StoreError?
        for sequence in snapshots {
            let path = "\(folder)/\(JournalFiles.snapshotName(lastSequence: sequence))"
            do throws(StoreError) {
                let loaded = try SnapshotReader.load(path, storage: storage, auditRetention: auditRetention)
                var state = try replay(
                    journals, into: loaded.directory, after: loaded.lastSequence, through: through, folder: folder,
                    storage: storage)
                if let newestFailure {
                    // The damaged newer snapshot must not be mistaken for a good one later.
                    let damaged = "\(folder)/\(JournalFiles.snapshotName(lastSequence: snapshots[0]))"
                    try storage.rename(damaged, to: damaged + ".damaged")
                    warnings.append(
                        "\(newestFailure.message); recovered from the previous snapshot and the journal instead")
                }
                state.warnings = warnings + state.warnings
                return state
            } catch {
                if newestFailure == nil { newestFailure = error } else { break }
            }
        }
        if let newestFailure { throw newestFailure }
        var state = try replay(
            journals, into: Directory(auditRetention: auditRetention), after: 0, through: through, folder: folder,
            storage: storage)
        state.warnings = warnings + state.warnings
        return state
    }

    /// Applies every journal record after `snapshotSequence`, in order and without gaps.
    static func replay(
        _ journals: [UInt64],
        into directory: Directory,
        after snapshotSequence: UInt64,
        through: UInt64? = nil,
        folder: String,
        storage: any Storage
    ) throws(StoreError) -> RecoveredState {
        var directory = directory
        var expected = snapshotSequence + 1
        var warnings: [String] = []
        var append: JournalEnd?
        for (index, first) in journals.enumerated() {
            let isLast = index == journals.count - 1
            // A journal whose records all precede the snapshot is not needed.
            if !isLast, journals[index + 1] <= expected { continue }
            let path = "\(folder)/\(JournalFiles.journalName(firstSequence: first))"
            let bytes = try storage.read(path)
            let outcome = bytes.withUnsafeBytes { raw in
                Result { () throws(StoreError) in
                    try replayFile(
                        raw, path: path, isLast: isLast, through: through, expected: &expected, directory: &directory)
                }
            }
            switch try outcome.get() {
            case .complete(let end):
                if isLast { append = JournalEnd(path: path, offset: end, size: bytes.count) }
            case .tornAt(let offset, let reason) where offset < JournalFiles.journalMagic.count:
                // Cut inside its header: no record made it. Removed, so that the journal that
                // replaces it starts with a header again (appending to it would not).
                try storage.remove(path)
                warnings.append("removed \(path), cut inside its header (\(reason)) by a crash as it was created")
            case .tornAt(let offset, let reason):
                try storage.truncate(path, to: offset)
                warnings.append("cut a torn tail off \(path) at byte \(offset) (\(reason)), left by a crash mid-write")
                if isLast { append = JournalEnd(path: path, offset: offset, size: offset) }
            }
        }
        return RecoveredState(
            directory: directory, lastSequence: expected - 1, append: append,
            warnings: warnings)
    }

    private enum FileOutcome {
        /// Every record is whole; they end at this offset (zeros made ahead of use may follow).
        case complete(end: Int)
        case tornAt(Int, String)
    }

    private static func replayFile(
        _ bytes: UnsafeRawBufferPointer,
        path: String,
        isLast: Bool,
        through: UInt64?,
        expected: inout UInt64,
        directory: inout Directory
    ) throws(StoreError) -> FileOutcome {
        func corrupt(_ offset: Int, _ reason: String) -> StoreError {
            StoreError(code: .corrupt, message: "journal \(path) is damaged at byte \(offset): \(reason)")
        }
        let magic = JournalFiles.journalMagic
        guard bytes.count >= magic.count else {
            if isLast { return .tornAt(0, "shorter than its header") }
            throw corrupt(0, "shorter than its header")
        }
        guard Array(bytes[0..<magic.count]) == magic else { throw corrupt(0, "not an Unblock journal (wrong magic)") }
        var offset = magic.count
        while offset < bytes.count {
            // A file made ahead of use: its records end where its zeros begin (no record
            // starts with a zero length). Anything but zeros after that is damage.
            if isZero(bytes, offset..<min(offset + RecordFraming.headerSize, bytes.count)) {
                guard isZero(bytes, offset..<bytes.count) else {
                    throw corrupt(offset, "a record is missing here (zeros), and data follows")
                }
                return .complete(end: offset)
            }
            switch RecordFraming.read(bytes, at: offset) {
            case .truncated:
                guard isLast else { throw corrupt(offset, "the file ends inside a record") }
                return .tornAt(offset, "incomplete last record")
            case .corrupt(let reason):
                // A bad record followed by nothing but the last file's end or its zeros is a write
                // cut short; anything else after it means the damage is in the middle.
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let end = offset + RecordFraming.headerSize + length
                guard isLast, end <= bytes.count, isZero(bytes, end..<bytes.count) else {
                    throw corrupt(offset, reason)
                }
                return .tornAt(offset, reason)
            case .record(let range, let next):
                let record: JournalRecord
                do throws(WireError) {
                    record = try JournalRecord(serializedBytes: UnsafeRawBufferPointer(rebasing: bytes[range]))
                } catch {
                    throw corrupt(offset, error.message)
                }
                if let through, record.sequence > through { return .complete(end: offset) }
                if record.sequence >= expected {
                    guard record.sequence == expected else {
                        throw corrupt(offset, "record \(record.sequence) follows \(expected - 1); records are missing")
                    }
                    directory.apply(record.mutations)
                    expected += 1
                }
                offset = next
            }
        }
        return .complete(end: bytes.count)
    }

    /// Whether every byte in `range` is zero.
    private static func isZero(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { return false }
            index += 8
        }
        while index < range.upperBound {
            if bytes[index] != 0 { return false }
            index += 1
        }
        return true
    }
}
