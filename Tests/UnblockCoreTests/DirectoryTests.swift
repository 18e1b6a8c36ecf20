// The in-memory directory: upserts keep indexes right; the audit trail is bounded.
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct DirectoryTests {
    @Test func upsertsKeepIndexesConsistent() {
        var directory = Directory()
        directory.apply([
            .account(Fixtures.account(1, "alice")), .account(Fixtures.account(2, "bob")),
            .card(Fixtures.card(1, owner: 1)), .card(Fixtures.card(2, owner: 1)),
        ])
        #expect(directory.cards(ownedBy: AccountID(1)).count == 2)
        #expect(directory.card(serial: Fixtures.card(1, owner: 1).serial.lowercased())?.id == CardID(1))

        var moved = Fixtures.card(2, owner: 2)
        moved.serial = "AABBCC"
        directory.apply(.card(moved))
        #expect(directory.cards(ownedBy: AccountID(1)).map(\.id) == [CardID(1)])
        #expect(directory.cards(ownedBy: AccountID(2)).map(\.id) == [CardID(2)])
        #expect(directory.card(serial: Fixtures.card(2, owner: 1).serial) == nil)
        #expect(directory.card(serial: "aabbcc")?.id == CardID(2))

        var renamed = Fixtures.account(2, "bobby")
        renamed.displayName = "Bobby"
        directory.apply(.account(renamed))
        #expect(directory.account(username: "bob") == nil)
        #expect(directory.account(username: "bobby")?.id == AccountID(2))
        #expect(directory.makeAccountID() == AccountID(3))
        #expect(directory.makeCardID() == CardID(3))
    }

    @Test func anOwnersCardsAreAllListedInOrderOfAdditionFromOneToMany() {
        var directory = Directory()
        directory.apply(.account(Fixtures.account(1, "alice")))
        for id in 1...5 {
            directory.apply(.card(Fixtures.card(UInt64(id), owner: 1)))
            #expect(directory.cards(ownedBy: AccountID(1)).map(\.id) == (1...id).map { CardID(UInt64($0)) })
        }
        var moved = Fixtures.card(3, owner: 2)
        moved.serial = "MOVED"
        directory.apply([.account(Fixtures.account(2, "bob")), .card(moved)])
        #expect(directory.cards(ownedBy: AccountID(1)).map(\.id) == [1, 2, 4, 5].map { CardID(UInt64($0)) })
        #expect(directory.cards(ownedBy: AccountID(2)).map(\.id) == [CardID(3)])
        #expect(directory.cards(ownedBy: AccountID(9)).isEmpty)
    }

    @Test func aCopyIsAValueLaterChangesToEitherSideDoNotReachTheOther() {
        var original = Directory()
        original.apply([.account(Fixtures.account(1, "alice")), .card(Fixtures.card(1, owner: 1))])
        let copy = original
        let response = IssuedResponse(
            challengeHash: SHA256Hash(digesting: [1, 2, 3]), at: Timestamp(milliseconds: 5))
        original.apply([
            .account(Fixtures.account(2, "bob")), .card(Fixtures.card(2, owner: 2)),
            .responseIssued(CardID(1), response),
            .audit(AuditEvent(at: Timestamp(milliseconds: 1), actor: "a", action: "x", target: "t", outcome: "ok")),
        ])
        #expect(copy.accounts.count == 1 && copy.cards.count == 1 && copy.recentAudit.isEmpty)
        #expect(copy.card(id: CardID(1))?.responses.isEmpty == true)
        #expect(copy.account(username: "bob") == nil && copy.cards(ownedBy: AccountID(2)).isEmpty)
        #expect(original.card(id: CardID(1))?.responses == [response])
        #expect(original.account(username: "bob")?.id == AccountID(2))

        var second = copy
        second.apply(.account(Fixtures.account(3, "carol")))
        #expect(copy.account(username: "carol") == nil && original.account(username: "carol") == nil)
        #expect(second.account(username: "carol")?.id == AccountID(3) && second.accounts.count == 2)
    }

    /// The large tables are sharded: every entry is found, counted and listed once, in every
    /// shard, and a copy taken halfway (as a snapshot takes one) keeps what it saw.
    @Test func manyCardsAreFoundCountedAndListedAcrossTheShards() {
        var directory = Directory()
        directory.apply((1...200).map { .account(Fixtures.account(UInt32($0), "user\($0)")) })
        directory.apply((1...2_000).map { .card(Fixtures.card(UInt64($0), owner: UInt32(($0 - 1) % 200 + 1))) })
        let halfway = directory
        var moved = Fixtures.card(7, owner: 9)
        moved.serial = "MOVED"
        directory.apply([.card(moved), .account(Fixtures.account(201, "late"))])

        #expect(directory.cards.count == 2_000 && directory.accounts.count == 201)
        #expect(Set(directory.cards.map(\.key)).count == 2_000)
        #expect(directory.cards.values.reduce(0) { $0 + Int($1.id.rawValue) } == 2_000 * 2_001 / 2)
        for id in 1...2_000 {
            let card = directory.card(id: CardID(UInt64(id)))
            #expect(card.flatMap { directory.card(serial: $0.serial) }?.id == CardID(UInt64(id)))
        }
        #expect((1...200).allSatisfy { directory.account(username: "user\($0)")?.id == AccountID(UInt32($0)) })
        #expect(directory.account(username: "late")?.id == AccountID(201))
        #expect(directory.cards(ownedBy: AccountID(9)).map(\.id).contains(CardID(7)))

        #expect(halfway.cards.count == 2_000 && halfway.accounts.count == 200)
        #expect(halfway.card(serial: "MOVED") == nil && halfway.account(username: "late") == nil)
        #expect(halfway.card(id: CardID(7)) == Fixtures.card(7, owner: 7))
        #expect(halfway != directory)
        var caughtUp = halfway
        caughtUp.apply([.card(moved), .account(Fixtures.account(201, "late"))])
        #expect(caughtUp == directory)
    }

    @Test func shardHashesSpreadSerialsAndNamesOverEveryShard() {
        let serials = (0..<4_096).map { String($0 * 7_919, radix: 16, uppercase: true) }
        let names = (0..<4_096).map { "user\($0)" }
        for keys in [serials, names] {
            var perShard = [Int](repeating: 0, count: 64)
            for key in keys { perShard[key.shardHash & 63] += 1 }
            // 64 per shard on average: none empty, none more than twice that.
            #expect(perShard.min()! > 0 && perShard.max()! <= 128, "\(perShard)")
        }
    }

    /// The trail is kept in chunks: across their boundaries it holds the newest events in
    /// order, a copy keeps what it saw, and the same events compare equal however chunked.
    @Test func theAuditTrailAcrossItsChunks() {
        func event(_ sequence: Int) -> AuditEvent {
            var event = AuditEvent(
                at: Timestamp(milliseconds: Int64(sequence)), actor: "a", action: "x", target: "t\(sequence)",
                outcome: "success")
            event.sequence = UInt64(sequence)
            return event
        }
        var directory = Directory(auditRetention: 2_500)
        var copies: [(Directory, ClosedRange<Int>)] = []
        for sequence in 1...6_000 {
            directory.apply(.audit(event(sequence)))
            if sequence % 1_000 == 0 { copies.append((directory, max(1, sequence - 2_499)...sequence)) }
        }
        #expect(directory.recentAudit.map(\.sequence) == (3_501...6_000).map(UInt64.init))
        for (copy, kept) in copies {
            #expect(copy.recentAudit.map(\.sequence) == kept.map(UInt64.init))
            #expect(copy.recentAudit[copy.recentAudit.count - 1].target == "t\(kept.upperBound)")
        }
        var replayed = Directory(auditRetention: 2_500)
        for sequence in 3_501...6_000 { replayed.apply(.audit(event(sequence))) }
        #expect(replayed == directory)
        replayed.apply(.audit(event(6_001)))
        #expect(replayed != directory)
    }

    @Test func auditTrailKeepsOnlyTheNewest() {
        var directory = Directory(auditRetention: 10)
        for index in 0..<25 {
            directory.apply(
                .audit(
                    AuditEvent(
                        at: Timestamp(milliseconds: Int64(index)), actor: "a", action: "x",
                        target: "t", outcome: "success")))
        }
        #expect(directory.recentAudit.count == 10)
        #expect(directory.recentAudit.first?.sequence == 16)
        #expect(directory.recentAudit.last?.sequence == 25)
        #expect(directory.nextAuditSequence == 26)
    }

    @Test func aFloodOfLoginsCannotPushOutIssuedResponses() {
        var directory = Directory(auditRetention: 10)
        func event(_ action: String, _ index: Int) -> Mutation {
            .audit(
                AuditEvent(
                    at: Timestamp(milliseconds: Int64(index)), actor: "a", action: action, target: "t\(index)",
                    outcome: action == AuditEvent.loginAction ? "refused: unknown user" : "success"))
        }
        for index in 0..<3 { directory.apply(event("unblock-pin-offline", index)) }
        for index in 3..<1_003 { directory.apply(event(AuditEvent.loginAction, index)) }
        #expect(directory.recentAudit.map(\.target) == ["t0", "t1", "t2"])
        #expect(directory.recentLogins.count == 10 && directory.recentLogins.last?.target == "t1002")
        #expect(directory.counts.audit == 13)
    }
}
