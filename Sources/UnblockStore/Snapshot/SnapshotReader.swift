// Reads a snapshot back into a directory, checking every record and the trailer's counts.
import UnblockCore
import UnblockWire

/// Loads snapshot files; any damage is reported with the file and the byte offset.
enum SnapshotReader {
    /// The directory stored in `path`, and the journal sequence it includes.
    static func load(
        _ path: String,
        storage: any Storage,
        auditRetention: Int
    ) throws(StoreError) -> (directory: Directory, lastSequence: UInt64) {
        let bytes = try storage.read(path)
        return try bytes.withUnsafeBytes { raw in
            Result { () throws(StoreError) in try parse(raw, path: path, auditRetention: auditRetention) }
        }.get()
    }

    private static func parse(
        _ bytes: UnsafeRawBufferPointer,
        path: String,
        auditRetention: Int
    ) throws(StoreError) -> (directory: Directory, lastSequence: UInt64) {
        func corrupt(_ offset: Int, _ reason: String) -> StoreError {
            StoreError(code: .corrupt, message: "snapshot \(path) is damaged at byte \(offset): \(reason)")
        }
        let magic = JournalFiles.snapshotMagic
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw corrupt(0, "not an Unblock snapshot (wrong magic)")
        }
        var offset = magic.count
        var header: SnapshotHeader?
        var directory = Directory(auditRetention: auditRetention)
        var read: (profiles: UInt64, accounts: UInt64, cards: UInt64, audit: UInt64) = (0, 0, 0, 0)
        while true {
            switch RecordFraming.read(bytes, at: offset) {
            case .truncated:
                throw corrupt(offset, "the file ends inside a record (no trailer)")
            case .corrupt(let reason):
                throw corrupt(offset, reason)
            case .record(let range, let next):
                let payload = UnsafeRawBufferPointer(rebasing: bytes[range])
                func decode<Message: WireMessage>(_: Message.Type) throws(StoreError) -> Message {
                    do throws(WireError) {
                        return try Message(serializedBytes: payload)
                    } catch {
                        throw corrupt(offset, error.message)
                    }
                }
                guard let knownHeader = header else {
                    let parsed = try decode(SnapshotHeader.self)
                    guard parsed.formatVersion == SnapshotHeader.currentFormatVersion else {
                        throw corrupt(offset, "unsupported format version \(parsed.formatVersion)")
                    }
                    header = parsed
                    offset = next
                    continue
                }
                if next == bytes.count {
                    let trailer = try decode(SnapshotTrailer.self)
                    guard trailer.profiles == read.profiles, trailer.accounts == read.accounts,
                        trailer.cards == read.cards, trailer.auditEvents == read.audit
                    else {
                        throw corrupt(offset, "the trailer's counts do not match the records")
                    }
                    directory.restoreCounters(
                        nextAccountID: knownHeader.nextAccountID, nextCardID: knownHeader.nextCardID,
                        nextAuditSequence: knownHeader.nextAuditSequence
                    )
                    return (directory, knownHeader.lastSequence)
                }
                let chunk = try decode(SnapshotChunk.self)
                for profile in chunk.profiles { directory.apply(.profile(profile)) }
                for account in chunk.accounts { directory.apply(.account(account)) }
                for card in chunk.cards { directory.apply(.card(card)) }
                for event in chunk.audit { directory.apply(.audit(event)) }
                read.profiles += UInt64(chunk.profiles.count)
                read.accounts += UInt64(chunk.accounts.count)
                read.cards += UInt64(chunk.cards.count)
                read.audit += UInt64(chunk.audit.count)
                offset = next
            }
        }
    }
}
