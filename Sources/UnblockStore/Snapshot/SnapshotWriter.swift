// Writes a directory as a snapshot: temporary file, chunks of entities, fsync, rename, directory fsync.
import Dispatch
import Synchronization
import UnblockCore

/// Streams a directory to a snapshot file in bounded chunks, so memory stays flat at any size.
///
/// Chunks are encoded (protobuf-c and checksum) in parallel, a window at a time, and
/// written in order: on two cores that nearly halves the time for a million cards.
enum SnapshotWriter {
    static let entitiesPerChunk = 1_024
    static let chunksPerWindow = 32
    static let scratchBytes = 4 << 20

    /// Writes `directory` (state as of journal `sequence`) to `folder`; returns the file name.
    static func write(
        _ directory: Directory,
        lastSequence sequence: UInt64,
        to folder: String,
        storage: any Storage,
        now: Timestamp = .now
    ) throws(StoreError) -> String {
        let name = JournalFiles.snapshotName(lastSequence: sequence)
        let temporary = "\(folder)/\(name).tmp"
        let file = try storage.create(temporary)
        defer { file.close() }

        var head = JournalFiles.snapshotMagic
        RecordFraming.append(
            SnapshotHeader(
                formatVersion: SnapshotHeader.currentFormatVersion, lastSequence: sequence, createdAt: now,
                nextAccountID: directory.nextAccountID, nextCardID: directory.nextCardID,
                nextAuditSequence: directory.nextAuditSequence, accounts: UInt64(directory.accounts.count),
                cards: UInt64(directory.cards.count)
            ).serializedBytes(),
            to: &head
        )
        try file.append(head)

        let chunks = Chunks(directory)
        for window in stride(from: 0, to: chunks.count, by: chunksPerWindow) {
            let indices = window..<min(window + chunksPerWindow, chunks.count)
            let encoded = Mutex([Int: [UInt8]]())
            DispatchQueue.concurrentPerform(iterations: indices.count) { offset in
                var framed: [UInt8] = []
                RecordFraming.append(
                    chunks[indices.lowerBound + offset].serializedBytes(scratchBytes: scratchBytes),
                    to: &framed)
                encoded.withLock { $0[offset] = framed }
            }
            var bytes: [UInt8] = []
            encoded.withLock { encoded in
                for offset in 0..<indices.count { bytes += encoded[offset]! }
            }
            try file.append(bytes)
            file.startWriteback()
        }

        let counts = directory.counts
        var tail: [UInt8] = []
        RecordFraming.append(
            SnapshotTrailer(
                profiles: UInt64(counts.profiles), accounts: UInt64(counts.accounts),
                cards: UInt64(counts.cards), auditEvents: UInt64(counts.audit)
            ).serializedBytes(),
            to: &tail
        )
        try file.append(tail)
        try file.sync()
        file.close()
        try storage.rename(temporary, to: "\(folder)/\(name)")
        try storage.syncDirectory(folder)
        return name
    }

    /// The directory cut into chunks of at most `entitiesPerChunk` entities of one kind.
    private struct Chunks: Sendable {
        let profiles: [CardProfile]
        let accounts: [Account]
        let cards: [SmartCard]
        let audit: [AuditEvent]
        let starts: [Int]

        init(_ directory: Directory) {
            profiles = Array(directory.profiles.values)
            accounts = Array(directory.accounts.values)
            cards = Array(directory.cards.values)
            audit = Array(directory.recentAudit) + Array(directory.recentLogins)
            starts = [profiles.count, accounts.count, cards.count, audit.count].map {
                ($0 + SnapshotWriter.entitiesPerChunk - 1) / SnapshotWriter.entitiesPerChunk
            }
        }

        var count: Int { starts.reduce(0, +) }

        subscript(index: Int) -> SnapshotChunk {
            var index = index
            var kind = 0
            while index >= starts[kind] {
                index -= starts[kind]
                kind += 1
            }
            let size = SnapshotWriter.entitiesPerChunk
            func slice<Element>(_ all: [Element]) -> [Element] {
                Array(all[(index * size)..<min((index + 1) * size, all.count)])
            }
            switch kind {
            case 0: return SnapshotChunk(profiles: slice(profiles))
            case 1: return SnapshotChunk(accounts: slice(accounts))
            case 2: return SnapshotChunk(cards: slice(cards))
            default: return SnapshotChunk(audit: slice(audit))
            }
        }
    }
}
