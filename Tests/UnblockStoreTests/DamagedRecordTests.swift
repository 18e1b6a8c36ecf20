// Records whose checksums pass but whose content is damaged: a start that refuses with the damage named, never a crash.
import Testing
import UnblockStore

@Suite struct DamagedRecordTests {
    /// A protobuf varint.
    func varint(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        return bytes + [UInt8(rest)]
    }

    /// A snapshot header (format 1) claiming `accounts` accounts and `cards` cards.
    func header(accounts: UInt64, cards: UInt64) -> [UInt8] {
        [0x08, 0x01] + [0x38] + varint(accounts) + [0x40] + varint(cards)
    }

    /// A trailer with these counts.
    func trailer(accounts: UInt64, cards: UInt64) -> [UInt8] {
        [0x10] + varint(accounts) + [0x18] + varint(cards)
    }

    // Found by `Scripts/fuzz`: the header's counts sized the tables unchecked, so one beyond
    // Int.max trapped, and a large one exhausted memory, on every start.
    @Test(arguments: [UInt64.max, 1 << 62, 1 << 40])
    func aSnapshotClaimingImpossibleCountsIsDamageNotACrash(_ count: UInt64) {
        let consistent = RecoveryFuzzing.recoverSnapshot(records: [
            header(accounts: count, cards: count), trailer(accounts: count, cards: count),
        ])
        guard case .failure(let error) = consistent else {
            Issue.record("recovered a snapshot that claims \(count) records and holds none")
            return
        }
        #expect(error.message.contains("the trailer's counts do not match the records"), "\(error.message)")

        let mismatched = RecoveryFuzzing.recoverSnapshot(records: [
            header(accounts: count, cards: 0), trailer(accounts: 0, cards: 0),
        ])
        guard case .failure(let error) = mismatched else {
            Issue.record("recovered a snapshot whose header and trailer disagree")
            return
        }
        #expect(error.message.contains("the header's counts do not match the trailer's"), "\(error.message)")
    }

    /// A protobuf field: a varint, or length-delimited bytes.
    func field(_ number: UInt64, varint value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }
    func field(_ number: UInt64, bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    /// A journal record (sequence 1) holding one mutation, change field `change`.
    func journalRecord(change: UInt64, _ message: [UInt8]) -> [UInt8] {
        field(1, varint: 1) + field(2, bytes: field(change, bytes: message))
    }

    // Found by `Scripts/fuzz`: replaying an audit event numbered UInt64.max trapped computing the
    // next number, on every start. Numbers and times outside what the store writes are damage.
    @Test func outOfRangeNumbersInAJournalAreDamageNamingTheField() throws {
        let hash = [UInt8](repeating: 7, count: 32)
        let damaged: [(record: [UInt8], field: String)] = [
            (journalRecord(change: 4, field(1, varint: .max)), "AuditEvent.sequence"),
            (
                journalRecord(change: 4, field(1, varint: 1) + field(2, varint: UInt64(bitPattern: .max))),
                "AuditEvent.at_ms"
            ),
            (
                journalRecord(
                    change: 5,
                    field(1, varint: 1)
                        + field(2, bytes: field(1, bytes: hash) + field(2, varint: UInt64(bitPattern: -5)))),
                "IssuedResponse.at_ms"
            ),
            (journalRecord(change: 1, field(1, varint: UInt64(UInt32.max)) + field(4, varint: 1)), "Account.id"),
            (field(1, varint: .max), "JournalRecord.sequence"),
        ]
        for (record, name) in damaged {
            let result = RecoveryFuzzing.recoverJournal(records: [record])
            guard case .failure(let error) = result else {
                Issue.record("recovered a journal with \(name) out of range")
                continue
            }
            #expect(
                error.message.contains("\(name)") && error.message.contains("outside the range"), "\(error.message)")
        }
        // The same records within range recover.
        let good = journalRecord(change: 4, field(1, varint: 41) + field(2, varint: 1_700_000_000_000))
        #expect(try RecoveryFuzzing.recoverJournal(records: [good]).get() == 1)
    }

    // Found by `Scripts/fuzz`: when a chunk of a large snapshot did not decode, the loader
    // stopped while its producer, four batches ahead, waited for room; the semaphore was then
    // freed below its initial count, which libdispatch traps on. A damaged snapshot must fail
    // its load (and recovery fall back to the previous one), never crash.
    @Test func aDamagedChunkFailsTheLoadWhileTheDecoderIsAhead() {
        // The first batch (16 chunks) is slow to insert, so that the decoder runs ahead over
        // empty chunks and waits; the second batch holds the damaged chunk.
        let events = (1...1_000).flatMap { sequence in
            field(4, bytes: field(1, varint: UInt64(sequence)) + field(2, varint: 1))
        }
        for _ in 0..<40 {
            var records = [header(accounts: 0, cards: 0)]
            records += (0..<16).map { _ in events }
            records += (0..<(16 * 7)).map { $0 == 0 ? [0xFF] : [] }
            records.append([])
            guard case .failure(let error) = RecoveryFuzzing.recoverSnapshot(records: records) else {
                Issue.record("recovered a snapshot with a damaged chunk")
                return
            }
            #expect(error.message.contains("is damaged at byte"), "\(error.message)")
        }
    }

    @Test func anEmptySnapshotRecovers() throws {
        let empty = RecoveryFuzzing.recoverSnapshot(records: [header(accounts: 0, cards: 0), []])
        #expect(try empty.get() == 0)
    }
}
