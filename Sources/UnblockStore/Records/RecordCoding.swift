// The store's records as bytes, for another store of record (a database keeps the same encoding).
import UnblockCore
import UnblockProtobufBridge

/// The protobuf encoding the journal and snapshots use, for one entity or one commit's mutations.
package enum RecordCoding {
    package static func encode(_ account: Account) -> [UInt8] { StoredAccount(value: account).serializedBytes() }
    package static func encode(_ card: SmartCard) -> [UInt8] { StoredCard(value: card).serializedBytes() }
    package static func encode(_ profile: CardProfile) -> [UInt8] { StoredProfile(value: profile).serializedBytes() }
    package static func encode(_ event: AuditEvent) -> [UInt8] { StoredAuditEvent(value: event).serializedBytes() }

    /// One commit's mutations, as a journal record numbered `sequence`.
    package static func encode(_ mutations: [Mutation], sequence: UInt64) -> [UInt8] {
        JournalRecord(sequence: sequence, mutations: mutations).serializedBytes(scratchBytes: mutations.count * 512)
    }

    package static func account(_ bytes: [UInt8]) throws(WireError) -> Account {
        try StoredAccount(serializedBytes: bytes).value
    }

    package static func card(_ bytes: [UInt8]) throws(WireError) -> SmartCard {
        try StoredCard(serializedBytes: bytes).value
    }

    package static func profile(_ bytes: [UInt8]) throws(WireError) -> CardProfile {
        try StoredProfile(serializedBytes: bytes).value
    }

    package static func auditEvent(_ bytes: [UInt8]) throws(WireError) -> AuditEvent {
        try StoredAuditEvent(serializedBytes: bytes).value
    }

    /// A commit's sequence and mutations.
    package static func mutations(_ bytes: [UInt8]) throws(WireError) -> (sequence: UInt64, mutations: [Mutation]) {
        let record = try JournalRecord(serializedBytes: bytes)
        return (record.sequence, record.mutations)
    }
}
