// Writes a directory as a snapshot: temporary file, chunks of entities, fsync, rename, directory fsync.
import UnblockCore
import UnblockWire

/// Streams a directory to a snapshot file in bounded chunks, so memory stays flat at any size.
enum SnapshotWriter {
    static let entitiesPerChunk = 1_024
    static let flushBytes = 1 << 20

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

        var buffer = JournalFiles.snapshotMagic
        buffer.reserveCapacity(flushBytes + 64 * 1_024)
        func emit(_ message: some WireMessage) throws(StoreError) {
            RecordFraming.append(message.serializedBytes(), to: &buffer)
            if buffer.count >= flushBytes {
                try file.append(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }

        try emit(
            SnapshotHeader(
                formatVersion: SnapshotHeader.currentFormatVersion, lastSequence: sequence, createdAt: now,
                nextAccountID: directory.nextAccountID, nextCardID: directory.nextCardID,
                nextAuditSequence: directory.nextAuditSequence
            )
        )
        var chunk = SnapshotChunk()
        func add(_ fill: (inout SnapshotChunk) -> Void) throws(StoreError) {
            fill(&chunk)
            if chunk.count >= entitiesPerChunk {
                try emit(chunk)
                chunk = SnapshotChunk()
            }
        }
        for profile in directory.profiles.values { try add { $0.profiles.append(profile) } }
        for account in directory.accounts.values { try add { $0.accounts.append(account) } }
        for card in directory.cards.values { try add { $0.cards.append(card) } }
        for event in directory.recentAudit { try add { $0.audit.append(event) } }
        if !chunk.isEmpty { try emit(chunk) }
        let counts = directory.counts
        try emit(
            SnapshotTrailer(
                profiles: UInt64(counts.profiles), accounts: UInt64(counts.accounts),
                cards: UInt64(counts.cards), auditEvents: UInt64(counts.audit)
            )
        )
        try file.append(buffer)
        try file.sync()
        file.close()
        try storage.rename(temporary, to: "\(folder)/\(name)")
        try storage.syncDirectory(folder)
        return name
    }
}
