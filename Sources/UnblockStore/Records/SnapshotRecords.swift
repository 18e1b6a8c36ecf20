// The records of a snapshot file: a header, chunks of entities, and a trailer with counts.
import CUnblockProtos
import UnblockCore
import UnblockProtobufBridge

struct SnapshotHeader: WireMessage {
    static let currentFormatVersion: UInt32 = 1

    var formatVersion: UInt32
    var lastSequence: UInt64
    var createdAt: Timestamp
    var nextAccountID: UInt32
    var nextCardID: UInt64
    var nextAuditSequence: UInt64
    var accounts: UInt64
    var cards: UInt64

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__snapshot_header__init,
        unpack: unblock__store__v1__snapshot_header__unpack,
        free: unblock__store__v1__snapshot_header__free_unpacked,
        read: { c throws(WireError) in
            Self(
                formatVersion: c.format_version,
                lastSequence: try StoredRange.identifier(c.last_sequence, field: "SnapshotHeader.last_sequence"),
                createdAt: Timestamp(milliseconds: c.created_at_ms),
                nextAccountID: try StoredRange.identifier(c.next_account_id, field: "SnapshotHeader.next_account_id"),
                nextCardID: try StoredRange.identifier(c.next_card_id, field: "SnapshotHeader.next_card_id"),
                nextAuditSequence: try StoredRange.identifier(
                    c.next_audit_sequence, field: "SnapshotHeader.next_audit_sequence"),
                accounts: c.accounts, cards: c.cards
            )
        },
        write: { message, c, _ in
            c.format_version = message.formatVersion
            c.last_sequence = message.lastSequence
            c.created_at_ms = message.createdAt.milliseconds
            c.next_account_id = message.nextAccountID
            c.next_card_id = message.nextCardID
            c.next_audit_sequence = message.nextAuditSequence
            c.accounts = message.accounts
            c.cards = message.cards
        }
    )
}

struct SnapshotChunk: WireMessage {
    var profiles: [CardProfile] = []
    var accounts: [Account] = []
    var cards: [SmartCard] = []
    var audit: [AuditEvent] = []

    var isEmpty: Bool { profiles.isEmpty && accounts.isEmpty && cards.isEmpty && audit.isEmpty }
    var count: Int { profiles.count + accounts.count + cards.count + audit.count }

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__snapshot_chunk__init,
        unpack: unblock__store__v1__snapshot_chunk__unpack,
        free: unblock__store__v1__snapshot_chunk__free_unpacked,
        read: { c throws(WireError) in
            let profiles: [StoredProfile] = try CReader.messages(c.n_profiles, c.profiles)
            let accounts: [StoredAccount] = try CReader.messages(c.n_accounts, c.accounts)
            let cards: [StoredCard] = try CReader.messages(c.n_cards, c.cards)
            let audit: [StoredAuditEvent] = try CReader.messages(c.n_audit, c.audit)
            return Self(
                profiles: profiles.map(\.value), accounts: accounts.map(\.value),
                cards: cards.map(\.value), audit: audit.map(\.value)
            )
        },
        write: { message, c, arena in
            c.n_profiles = message.profiles.count
            c.profiles = arena.messages(message.profiles.map(StoredProfile.init), as: Unblock__Store__V1__Profile.self)
            c.n_accounts = message.accounts.count
            c.accounts = arena.messages(message.accounts.map(StoredAccount.init), as: Unblock__Store__V1__Account.self)
            c.n_cards = message.cards.count
            c.cards = arena.messages(message.cards.map(StoredCard.init), as: Unblock__Store__V1__Card.self)
            c.n_audit = message.audit.count
            c.audit = arena.messages(message.audit.map(StoredAuditEvent.init), as: Unblock__Store__V1__AuditEvent.self)
        }
    )
}

struct SnapshotTrailer: WireMessage {
    var profiles: UInt64
    var accounts: UInt64
    var cards: UInt64
    var auditEvents: UInt64

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__snapshot_trailer__init,
        unpack: unblock__store__v1__snapshot_trailer__unpack,
        free: unblock__store__v1__snapshot_trailer__free_unpacked,
        read: { c in
            Self(profiles: c.profiles, accounts: c.accounts, cards: c.cards, auditEvents: c.audit_events)
        },
        write: { message, c, _ in
            c.profiles = message.profiles
            c.accounts = message.accounts
            c.cards = message.cards
            c.audit_events = message.auditEvents
        }
    )
}
