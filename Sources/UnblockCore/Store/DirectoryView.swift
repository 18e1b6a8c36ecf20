// The reads a call makes of the directory: what a store must answer, in memory or from a database.

/// A consistent view of the directory for one read or one commit's decision.
///
/// `Directory` (the embedded store's in-memory state) is one; a database store provides
/// its own. Services read only through it, never through a store's own types.
public protocol DirectoryView: Sendable {
    func account(id: AccountID) -> Account?
    func account(username: String) -> Account?
    func card(id: CardID) -> SmartCard?
    /// The card with this serial, matched without regard to case.
    func card(serial: String) -> SmartCard?
    /// The cards of `owner`, by id.
    func cards(ownedBy owner: AccountID) -> [SmartCard]
    /// How many cards `owner` has.
    func cardCount(ownedBy owner: AccountID) -> Int
    func profile(named name: String) -> CardProfile?
    /// Every card profile, in order of name.
    func allProfiles() -> [CardProfile]

    /// The accounts whose username starts with `prefix` and sorts after `after`, in order of
    /// username, at most `limit`.
    func accounts(prefix: String, after: String, limit: Int) -> [Account]

    /// The id a new account takes; a commit that adds one uses it (commits run one at a time).
    func newAccountID() -> AccountID
    /// The id a new card takes, likewise.
    func newCardID() -> CardID
}

extension Directory: DirectoryView {}
