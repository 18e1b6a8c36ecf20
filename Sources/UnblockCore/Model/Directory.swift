// The whole state of the service in memory: accounts, cards, profiles, and the recent audit trail.
import DequeModule

/// Everything the store holds, with the indexes the calls need.
///
/// A value type: a snapshot is a copy (cheap, copy-on-write), taken at a known journal
/// sequence while the live directory keeps changing. Only `apply` changes it, so that
/// replaying a journal rebuilds exactly the same state.
public struct Directory: Sendable {
    public private(set) var accounts: [AccountID: Account] = [:]
    public private(set) var cards: [CardID: SmartCard] = [:]
    public private(set) var profiles: [String: CardProfile] = [:]
    /// The most recent audit events, oldest first, at most `auditRetention`.
    public private(set) var recentAudit: Deque<AuditEvent> = []

    private var accountIDsByUsername: [String: AccountID] = [:]
    private var cardIDsBySerial: [String: CardID] = [:]
    private var cardIDsByOwner: [AccountID: OwnedCards] = [:]

    /// Next free identities, persisted in snapshots so that ids are never reused.
    public private(set) var nextAccountID: UInt32 = 1
    public private(set) var nextCardID: UInt64 = 1
    public private(set) var nextAuditSequence: UInt64 = 1

    /// How many audit events stay in memory (and in snapshots); older ones live only in
    /// rotated journals and are gone after the next snapshot but one.
    public var auditRetention: Int

    /// How many issued responses each card remembers (the newest).
    public var responseRetention: Int

    public init(auditRetention: Int = 100_000, responseRetention: Int = 100) {
        self.auditRetention = auditRetention
        self.responseRetention = responseRetention
    }

    /// Restores the identity counters from a snapshot header.
    public mutating func restoreCounters(nextAccountID: UInt32, nextCardID: UInt64, nextAuditSequence: UInt64) {
        self.nextAccountID = max(self.nextAccountID, nextAccountID)
        self.nextCardID = max(self.nextCardID, nextCardID)
        self.nextAuditSequence = max(self.nextAuditSequence, nextAuditSequence)
    }

    /// Sizes the tables for this many entries, so that loading them never rehashes.
    public mutating func reserveCapacity(accounts accountCount: Int, cards cardCount: Int) {
        accounts.reserveCapacity(accountCount)
        accountIDsByUsername.reserveCapacity(accountCount)
        cardIDsByOwner.reserveCapacity(accountCount)
        cards.reserveCapacity(cardCount)
        cardIDsBySerial.reserveCapacity(cardCount)
    }

    // MARK: Lookups

    public func account(id: AccountID) -> Account? { accounts[id] }

    public func account(username: String) -> Account? {
        accountIDsByUsername[username].flatMap { accounts[$0] }
    }

    public func card(id: CardID) -> SmartCard? { cards[id] }

    public func card(serial: String) -> SmartCard? {
        // Serials are kept uppercase; most callers already send them so, and need no copy.
        let lowercase = UInt8(ascii: "a")...UInt8(ascii: "z")
        let key = serial.utf8.contains(where: lowercase.contains) ? serial.uppercased() : serial
        return cardIDsBySerial[key].flatMap { cards[$0] }
    }

    /// The cards of `owner`, by id.
    public func cards(ownedBy owner: AccountID) -> [SmartCard] {
        guard let owned = cardIDsByOwner[owner] else { return [] }
        var result: [SmartCard] = []
        result.reserveCapacity(owned.count)
        owned.forEach { id in
            if let card = cards[id] { result.append(card) }
        }
        return result
    }

    public func profile(named name: String) -> CardProfile? { profiles[name] }

    // MARK: Identities

    /// Reserves a new account id.
    public mutating func makeAccountID() -> AccountID {
        defer { nextAccountID += 1 }
        return AccountID(nextAccountID)
    }

    /// Reserves a new card id.
    public mutating func makeCardID() -> CardID {
        defer { nextCardID += 1 }
        return CardID(nextCardID)
    }

    // MARK: Changes

    /// Applies one mutation. Upserts keep every index consistent; an audit event gets the
    /// next sequence (unless it carries one, as on replay) and may push out the oldest.
    public mutating func apply(_ mutation: Mutation) {
        switch mutation {
        case .account(let account):
            if let old = accounts[account.id], old.username != account.username {
                accountIDsByUsername[old.username] = nil
            }
            accounts[account.id] = account
            accountIDsByUsername[account.username] = account.id
            nextAccountID = max(nextAccountID, account.id.rawValue + 1)
        case .card(let card):
            if let old = cards[card.id] {
                if old.serial != card.serial { cardIDsBySerial[old.serial] = nil }
                if old.owner != card.owner, cardIDsByOwner[old.owner]?.remove(card.id) == false {
                    cardIDsByOwner[old.owner] = nil
                }
            }
            if cards.updateValue(card, forKey: card.id)?.owner != card.owner { index(card.id, owner: card.owner) }
            cardIDsBySerial[card.serial] = card.id
            nextCardID = max(nextCardID, card.id.rawValue + 1)
        case .profile(let profile):
            profiles[profile.name] = profile
        case .responseIssued(let id, let response):
            // In place: the card's history is not copied when nothing else holds it.
            cards[id]?.remember(response, retention: responseRetention)
        case .audit(var event):
            if event.sequence == 0 { event.sequence = nextAuditSequence }
            nextAuditSequence = max(nextAuditSequence, event.sequence + 1)
            recentAudit.append(event)
            if recentAudit.count > auditRetention { recentAudit.removeFirst(recentAudit.count - auditRetention) }
        }
    }

    private mutating func index(_ id: CardID, owner: AccountID) {
        if cardIDsByOwner[owner]?.append(id) == nil { cardIDsByOwner[owner] = OwnedCards(id) }
    }

    /// Adds an account known to be new (loading a snapshot): the upsert's lookups are skipped.
    public mutating func insertNew(_ account: Account) {
        accounts[account.id] = account
        accountIDsByUsername[account.username] = account.id
        nextAccountID = max(nextAccountID, account.id.rawValue + 1)
    }

    /// Adds a card known to be new (loading a snapshot): the upsert's lookups are skipped.
    public mutating func insertNew(_ card: SmartCard) {
        cards[card.id] = card
        index(card.id, owner: card.owner)
        cardIDsBySerial[card.serial] = card.id
        nextCardID = max(nextCardID, card.id.rawValue + 1)
    }

    /// Applies mutations in order.
    public mutating func apply(_ mutations: [Mutation]) {
        for mutation in mutations { apply(mutation) }
    }

    /// How many of each the directory holds.
    public var counts: (profiles: Int, accounts: Int, cards: Int, audit: Int) {
        (profiles.count, accounts.count, cards.count, recentAudit.count)
    }
}

extension Directory: Equatable {
    /// Same content (indexes follow from content).
    public static func == (lhs: Directory, rhs: Directory) -> Bool {
        lhs.accounts == rhs.accounts && lhs.cards == rhs.cards && lhs.profiles == rhs.profiles
            && Array(lhs.recentAudit) == Array(rhs.recentAudit)
    }
}
