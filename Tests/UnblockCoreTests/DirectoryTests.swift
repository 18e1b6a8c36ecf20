// The in-memory directory: upserts keep indexes right; the audit trail is bounded.
import Testing
import UnblockCore

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
}
