// Reads a snapshot back into a directory, checking every record and the trailer's counts.
import Dispatch
import Synchronization
import UnblockCore
import UnblockProtobufBridge

/// Loads snapshot files; any damage is reported with the file and the byte offset.
///
/// Loading is a pipeline over the machine's two cores: a background producer decodes
/// chunks (protobuf-c and the Swift values) a few batches ahead, while the loading thread
/// inserts them into the directory's tables.
enum SnapshotReader {
    /// Chunks decoded per batch, and how many batches the producer may run ahead.
    static let batchSize = 16
    static let batchesAhead = 4

    /// The directory stored in `path`, and the journal sequence it includes.
    static func load(
        _ path: String,
        storage: any Storage,
        auditRetention: Int
    ) throws(StoreError) -> (directory: Directory, lastSequence: UInt64) {
        let bytes = try storage.read(path)
        let layout = try bytes.withUnsafeBytes { raw in
            Result { () throws(StoreError) in try scan(raw, path: path) }
        }.get()
        guard layout.header.accounts == layout.trailer.accounts, layout.header.cards == layout.trailer.cards else {
            throw corrupt(path, 0, "the header's counts do not match the trailer's")
        }
        var directory = Directory(auditRetention: auditRetention)
        // The header's counts size the tables once; a damaged file must not ask for more than
        // it could hold (it then fails the count checks instead of the allocator).
        let most = UInt64(bytes.count / 8)
        directory.reserveCapacity(
            accounts: Int(min(layout.header.accounts, most)), cards: Int(min(layout.header.cards, most)))
        let read = try insertChunks(of: bytes, layout.chunks, into: &directory, path: path)
        let trailer = layout.trailer
        guard trailer.profiles == read.profiles, trailer.accounts == read.accounts, trailer.cards == read.cards,
            trailer.auditEvents == read.audit
        else {
            throw corrupt(path, layout.trailerOffset, "the trailer's counts do not match the records")
        }
        directory.restoreCounters(
            nextAccountID: layout.header.nextAccountID, nextCardID: layout.header.nextCardID,
            nextAuditSequence: layout.header.nextAuditSequence
        )
        return (directory, layout.header.lastSequence)
    }

    private static func corrupt(_ path: String, _ offset: Int, _ reason: String) -> StoreError {
        StoreError(code: .corrupt, message: "snapshot \(path) is damaged at byte \(offset): \(reason)")
    }

    private struct Layout {
        var header: SnapshotHeader
        var chunks: [(offset: Int, payload: Range<Int>)]
        var trailer: SnapshotTrailer
        var trailerOffset: Int
    }

    /// Checks the framing and every checksum, and reads the header and trailer.
    private static func scan(_ bytes: UnsafeRawBufferPointer, path: String) throws(StoreError) -> Layout {
        let magic = JournalFiles.snapshotMagic
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw corrupt(path, 0, "not an Unblock snapshot (wrong magic)")
        }
        var records: [(offset: Int, payload: Range<Int>)] = []
        var offset = magic.count
        while offset < bytes.count {
            switch RecordFraming.read(bytes, at: offset) {
            case .truncated: throw corrupt(path, offset, "the file ends inside a record (no trailer)")
            case .corrupt(let reason): throw corrupt(path, offset, reason)
            case .record(let payload, let next):
                records.append((offset, payload))
                offset = next
            }
        }
        guard records.count >= 2, let first = records.first, let last = records.last else {
            throw corrupt(path, offset, "no header and trailer")
        }
        func decode<Message: WireMessage>(_: Message.Type, _ record: (offset: Int, payload: Range<Int>))
            throws(StoreError) -> Message
        {
            do throws(WireError) {
                return try Message(serializedBytes: UnsafeRawBufferPointer(rebasing: bytes[record.payload]))
            } catch {
                throw corrupt(path, record.offset, error.message)
            }
        }
        let header = try decode(SnapshotHeader.self, first)
        guard header.formatVersion == SnapshotHeader.currentFormatVersion else {
            throw corrupt(path, first.offset, "unsupported format version \(header.formatVersion)")
        }
        return Layout(
            header: header, chunks: Array(records.dropFirst().dropLast()),
            trailer: try decode(SnapshotTrailer.self, last), trailerOffset: last.offset)
    }

    private typealias Counts = (profiles: UInt64, accounts: UInt64, cards: UInt64, audit: UInt64)

    /// Decodes the chunks on a background producer and inserts them here, in file order.
    private static func insertChunks(
        of bytes: [UInt8],
        _ chunks: [(offset: Int, payload: Range<Int>)],
        into directory: inout Directory,
        path: String
    ) throws(StoreError) -> Counts {
        let batches = stride(from: 0, to: chunks.count, by: batchSize).map { $0..<min($0 + batchSize, chunks.count) }
        let decoded = Mutex<[Int: Result<[SnapshotChunk], StoreError>]>([:])
        let ready = batches.map { _ in DispatchSemaphore(value: 0) }
        // Made at 0 and signalled up to its room: libdispatch traps when a semaphore is freed
        // below the count it was made with, which a load stopped by a damaged chunk, with the
        // producer waiting ahead, would otherwise leave.
        let room = DispatchSemaphore(value: 0)
        for _ in 0..<batchesAhead { room.signal() }
        let stop = Atomic(false)
        DispatchQueue.global(qos: .userInitiated).async {
            for (number, batch) in batches.enumerated() {
                room.wait()
                if stop.load(ordering: .relaxed) { return }
                let result = bytes.withUnsafeBytes { raw in
                    Result { () throws(StoreError) in
                        try batch.map { index throws(StoreError) in
                            let chunk = chunks[index]
                            let payload = UnsafeRawBufferPointer(rebasing: raw[chunk.payload])
                            do throws(WireError) {
                                // One scratch block for protobuf-c's allocations instead of thousands of mallocs.
                                return try SnapshotChunk(
                                    serializedBytes: payload,
                                    scratchBytes: max(65_536, payload.count * 4))
                            } catch {
                                throw corrupt(path, chunk.offset, error.message)
                            }
                        }
                    }
                }
                decoded.withLock { $0[number] = result }
                ready[number].signal()
            }
        }
        defer {
            // Release a producer still waiting for room, whatever happened here.
            stop.store(true, ordering: .relaxed)
            for _ in 0..<batchesAhead { room.signal() }
        }
        var read: Counts = (0, 0, 0, 0)
        for number in batches.indices {
            ready[number].wait()
            let result = decoded.withLock { $0.removeValue(forKey: number)! }
            room.signal()
            for chunk in try result.get() {
                for profile in chunk.profiles { directory.apply(.profile(profile)) }
                // Each entity appears once in a snapshot, so the upsert's lookups can be skipped.
                for account in chunk.accounts { directory.insertNew(account) }
                for card in chunk.cards { directory.insertNew(card) }
                for event in chunk.audit { directory.apply(.audit(event)) }
                read.profiles += UInt64(chunk.profiles.count)
                read.accounts += UInt64(chunk.accounts.count)
                read.cards += UInt64(chunk.cards.count)
                read.audit += UInt64(chunk.audit.count)
            }
        }
        return read
    }
}
