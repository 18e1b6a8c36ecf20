// The changes a store records: whole-entity upserts and audit appends, applied in order.

/// One change to the directory. A commit is a list of mutations applied together.
public enum Mutation: Equatable, Sendable {
    /// Create or replace an account (matched by id).
    case account(Account)
    /// Create or replace a card (matched by id).
    case card(SmartCard)
    /// Create or replace a card profile (matched by name).
    case profile(CardProfile)
    /// Append to the audit trail (its sequence is assigned on apply).
    case audit(AuditEvent)
    /// Remember a response issued for a card (a few dozen bytes in the journal, where an
    /// upsert would rewrite the card with its whole history).
    case responseIssued(CardID, IssuedResponse)
}
