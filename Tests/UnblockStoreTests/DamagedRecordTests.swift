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

    @Test func anEmptySnapshotRecovers() throws {
        let empty = RecoveryFuzzing.recoverSnapshot(records: [header(accounts: 0, cards: 0), []])
        #expect(try empty.get() == 0)
    }
}
