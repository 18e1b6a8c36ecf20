// The whole state of the service in memory: accounts, cards, profiles, and the recent audit trail.

/// Everything the store holds, with the indexes the calls need.
///
/// A value type: a snapshot is a copy (cheap, copy-on-write), taken at a known journal
/// sequence while the live directory keeps changing. Only `apply` changes it, so that
/// replaying a journal rebuilds exactly the same state.
public struct Directory: Sendable {
    /// The tables and counters, in one copy-on-write box: a copy of the directory (every read
    /// of the store makes one) retains one object instead of each of the seven tables, and
    /// the directory is one reference, which an `any DirectoryView` holds without a box.
    private final class Tables: @unchecked Sendable {
        // @unchecked: changed only through the directory's mutating methods, and only while
        // no other directory shares the box (`writable` copies it first).
        // The large tables are sharded and the audit trail chunked: a change while a snapshot
        // shares them copies one shard or chunk.
        var accounts = ShardedDictionary<AccountID, Account>()
        var cards = ShardedDictionary<CardID, SmartCard>()
        var profiles: [String: CardProfile] = [:]
        var recentAudit = AuditTrail()
        var recentLogins = AuditTrail()
        var accountIDsByUsername = ShardedDictionary<String, AccountID>()
        var cardIDsBySerial = ShardedDictionary<String, CardID>()
        var cardIDsByOwner = ShardedDictionary<AccountID, OwnedCards>()
        var nextAccountID: UInt32 = 1
        var nextCardID: UInt64 = 1
        var nextAuditSequence: UInt64 = 1
        var auditRetention: Int

        init(auditRetention: Int) { self.auditRetention = auditRetention }

        init(copying other: Tables) {
            accounts = other.accounts
            cards = other.cards
            profiles = other.profiles
            recentAudit = other.recentAudit
            recentLogins = other.recentLogins
            accountIDsByUsername = other.accountIDsByUsername
            cardIDsBySerial = other.cardIDsBySerial
            cardIDsByOwner = other.cardIDsByOwner
            nextAccountID = other.nextAccountID
            nextCardID = other.nextCardID
            nextAuditSequence = other.nextAuditSequence
            auditRetention = other.auditRetention
        }
    }

    private var tables: Tables

    /// The tables, ready to change: copied first when another directory shares them.
    private var writable: Tables {
        mutating get {
            if !isKnownUniquelyReferenced(&tables) { tables = Tables(copying: tables) }
            return tables
        }
    }

    public var accounts: ShardedDictionary<AccountID, Account> { tables.accounts }
    public var cards: ShardedDictionary<CardID, SmartCard> { tables.cards }
    public var profiles: [String: CardProfile] { tables.profiles }
    /// The most recent audit events but logins (issued responses, administrative changes,
    /// imports), oldest first, at most `auditRetention`: no flood of logins can push them out.
    public var recentAudit: AuditTrail { tables.recentAudit }
    /// The most recent logins, successful or refused, oldest first, at most `auditRetention`:
    /// a trail of their own, since anyone can make them.
    public var recentLogins: AuditTrail { tables.recentLogins }

    /// Next free identities, persisted in snapshots so that ids are never reused.
    public var nextAccountID: UInt32 { tables.nextAccountID }
    public var nextCardID: UInt64 { tables.nextCardID }
    public var nextAuditSequence: UInt64 { tables.nextAuditSequence }

    /// How many audit events stay in memory (and in snapshots); older ones live only in
    /// rotated journals and are gone after the next snapshot but one.
    public var auditRetention: Int {
        get { tables.auditRetention }
        set { writable.auditRetention = newValue }
    }

    public init(auditRetention: Int = 100_000) {
        tables = Tables(auditRetention: auditRetention)
    }

    /// Restores the identity counters from a snapshot header.
    public mutating func restoreCounters(nextAccountID: UInt32, nextCardID: UInt64, nextAuditSequence: UInt64) {
        let tables = writable
        tables.nextAccountID = max(tables.nextAccountID, nextAccountID)
        tables.nextCardID = max(tables.nextCardID, nextCardID)
        tables.nextAuditSequence = max(tables.nextAuditSequence, nextAuditSequence)
    }

    /// Sizes the tables for this many entries, so that loading them never rehashes.
    public mutating func reserveCapacity(accounts accountCount: Int, cards cardCount: Int) {
        let tables = writable
        tables.accounts.reserveCapacity(accountCount)
        tables.accountIDsByUsername.reserveCapacity(accountCount)
        tables.cardIDsByOwner.reserveCapacity(accountCount)
        tables.cards.reserveCapacity(cardCount)
        tables.cardIDsBySerial.reserveCapacity(cardCount)
    }

    // MARK: Lookups

    public func account(id: AccountID) -> Account? { tables.accounts[id] }

    public func account(username: String) -> Account? {
        tables.accountIDsByUsername[username].flatMap { tables.accounts[$0] }
    }

    public func card(id: CardID) -> SmartCard? { tables.cards[id] }

    public func card(serial: String) -> SmartCard? {
        // Serials are kept uppercase; most callers already send them so, and need no copy.
        let lowercase = UInt8(ascii: "a")...UInt8(ascii: "z")
        let key = serial.utf8.contains(where: lowercase.contains) ? serial.uppercased() : serial
        return tables.cardIDsBySerial[key].flatMap { tables.cards[$0] }
    }

    /// The cards of `owner`, by id.
    public func cards(ownedBy owner: AccountID) -> [SmartCard] {
        guard let owned = tables.cardIDsByOwner[owner] else { return [] }
        var result: [SmartCard] = []
        result.reserveCapacity(owned.count)
        owned.forEach { id in
            if let card = tables.cards[id] { result.append(card) }
        }
        return result
    }

    public func profile(named name: String) -> CardProfile? { tables.profiles[name] }

    public func allProfiles() -> [CardProfile] { tables.profiles.values.sorted { $0.name < $1.name } }

    public func cardCount(ownedBy owner: AccountID) -> Int { tables.cardIDsByOwner[owner]?.count ?? 0 }

    /// One pass over the accounts, keeping the `limit` smallest usernames that qualify: a
    /// page costs a scan, never a sort of every username.
    public func accounts(prefix: String, after: String, limit: Int) -> [Account] {
        guard limit > 0 else { return [] }
        var page: [Account] = []
        page.reserveCapacity(limit + 1)
        for account in tables.accounts.values
        where account.username > after && account.username.hasPrefix(prefix) {
            if page.count == limit, let last = page.last, account.username >= last.username { continue }
            let place = page.firstIndex { $0.username > account.username } ?? page.endIndex
            page.insert(account, at: place)
            if page.count > limit { page.removeLast() }
        }
        return page
    }

    public func newAccountID() -> AccountID { AccountID(tables.nextAccountID) }

    public func newCardID() -> CardID { CardID(tables.nextCardID) }

    // MARK: Identities

    /// Reserves a new account id.
    public mutating func makeAccountID() -> AccountID {
        let tables = writable
        defer { tables.nextAccountID += 1 }
        return AccountID(tables.nextAccountID)
    }

    /// Reserves a new card id.
    public mutating func makeCardID() -> CardID {
        let tables = writable
        defer { tables.nextCardID += 1 }
        return CardID(tables.nextCardID)
    }

    // MARK: Changes

    /// Applies one mutation. Upserts keep every index consistent; an audit event gets the
    /// next sequence (unless it carries one, as on replay) and may push out the oldest.
    /// - Returns: the audit event it appended, with its sequence; nil for other mutations.
    @discardableResult
    public mutating func apply(_ mutation: Mutation) -> AuditEvent? {
        let tables = writable
        switch mutation {
        case .account(let account):
            if let old = tables.accounts[account.id], old.username != account.username {
                tables.accountIDsByUsername[old.username] = nil
            }
            tables.accounts[account.id] = account
            tables.accountIDsByUsername[account.username] = account.id
            tables.nextAccountID = max(tables.nextAccountID, account.id.rawValue + 1)
        case .card(let card):
            if let old = tables.cards[card.id] {
                if old.serial != card.serial { tables.cardIDsBySerial[old.serial] = nil }
                if old.owner != card.owner, tables.cardIDsByOwner[old.owner]?.remove(card.id) == false {
                    tables.cardIDsByOwner[old.owner] = nil
                }
            }
            if tables.cards.updateValue(card, forKey: card.id)?.owner != card.owner {
                Self.index(card.id, owner: card.owner, in: tables)
            }
            tables.cardIDsBySerial[card.serial] = card.id
            tables.nextCardID = max(tables.nextCardID, card.id.rawValue + 1)
        case .profile(let profile):
            tables.profiles[profile.name] = profile
        case .responseIssued(let id, let response):
            // In place: the card's history is not copied when nothing else holds it.
            tables.cards[id]?.remember(response)
        case .audit(var event):
            if event.sequence == 0 { event.sequence = tables.nextAuditSequence }
            tables.nextAuditSequence = max(tables.nextAuditSequence, event.sequence + 1)
            let trail = event.action == AuditEvent.loginAction ? \Tables.recentLogins : \Tables.recentAudit
            tables[keyPath: trail].append(event)
            if tables[keyPath: trail].count > tables.auditRetention {
                tables[keyPath: trail].removeFirst(tables[keyPath: trail].count - tables.auditRetention)
            }
            return event
        }
        return nil
    }

    private static func index(_ id: CardID, owner: AccountID, in tables: Tables) {
        if tables.cardIDsByOwner[owner]?.append(id) == nil { tables.cardIDsByOwner[owner] = OwnedCards(id) }
    }

    /// Adds an account known to be new (loading a snapshot): the upsert's lookups are skipped.
    public mutating func insertNew(_ account: Account) {
        let tables = writable
        tables.accounts[account.id] = account
        tables.accountIDsByUsername[account.username] = account.id
        tables.nextAccountID = max(tables.nextAccountID, account.id.rawValue + 1)
    }

    /// Adds a card known to be new (loading a snapshot): the upsert's lookups are skipped.
    public mutating func insertNew(_ card: SmartCard) {
        let tables = writable
        tables.cards[card.id] = card
        Self.index(card.id, owner: card.owner, in: tables)
        tables.cardIDsBySerial[card.serial] = card.id
        tables.nextCardID = max(tables.nextCardID, card.id.rawValue + 1)
    }

    /// Applies mutations in order.
    /// - Returns: the audit events appended, with their sequences.
    @discardableResult
    public mutating func apply(_ mutations: [Mutation]) -> [AuditEvent] {
        var events: [AuditEvent] = []
        for mutation in mutations {
            if let event = apply(mutation) { events.append(event) }
        }
        return events
    }

    /// The audit trails in memory hold every event from this sequence on: a trail that has
    /// dropped its oldest events (it is full) holds them from its first; 0 when neither has.
    public var auditMemoryFloor: UInt64 {
        [tables.recentAudit, tables.recentLogins]
            .filter { $0.count >= tables.auditRetention }
            .compactMap { $0.first?.sequence }
            .max() ?? 0
    }

    /// How many of each the directory holds.
    public var counts: (profiles: Int, accounts: Int, cards: Int, audit: Int) {
        (
            tables.profiles.count, tables.accounts.count, tables.cards.count,
            tables.recentAudit.count + tables.recentLogins.count
        )
    }
}

extension Directory: Equatable {
    /// Same content (indexes follow from content).
    public static func == (lhs: Directory, rhs: Directory) -> Bool {
        lhs.accounts == rhs.accounts && lhs.cards == rhs.cards && lhs.profiles == rhs.profiles
            && lhs.recentAudit == rhs.recentAudit && lhs.recentLogins == rhs.recentLogins
    }
}
