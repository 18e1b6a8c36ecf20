// One commit's rows: the change log's record, the entities it touched as they are now, the
// responses it issued, its audit events, and the state row; then NOTIFY to the other nodes.
import Logging
import PostgresNIO
import UnblockCore
import UnblockStore

struct ChangeWriter {
    /// The channel every node listens on; the payload is the commit's sequence.
    static let channel = "unblock_changes"

    let mutations: [Mutation]
    /// The directory with the mutations applied (the entities are written as it holds them).
    let directory: Directory
    let sequence: UInt64

    func write(on connection: PostgresConnection, logger: Logger) async throws {
        let record = ByteBuffer(bytes: RecordCoding.encode(mutations, sequence: sequence))
        try await connection.query(
            "INSERT INTO unblock_changes (sequence, record) VALUES (\(Int64(sequence)), \(record))", logger: logger)
        var accounts: Set<AccountID> = []
        var cards: Set<CardID> = []
        var profiles: Set<String> = []
        var responses: (cards: [Int64], hashes: [ByteBuffer], at: [Int64], versions: [Int64]) = ([], [], [], [])
        var events:
            (
                sequences: [Int64], at: [Int64], actors: [String], actions: [String], targets: [String],
                records: [ByteBuffer]
            ) = ([], [], [], [], [], [])
        for mutation in mutations {
            switch mutation {
            case .account(let account): accounts.insert(account.id)
            case .card(let card): cards.insert(card.id)
            case .profile(let profile): profiles.insert(profile.name)
            case .responseIssued(let card, let response):
                responses.cards.append(Int64(card.rawValue))
                responses.hashes.append(ByteBuffer(bytes: response.challengeHash.bytes))
                responses.at.append(response.at.milliseconds)
                responses.versions.append(Int64(response.keyVersion))
            case .audit(let event):
                events.sequences.append(Int64(event.sequence))
                events.at.append(event.at.milliseconds)
                events.actors.append(event.actor)
                events.actions.append(event.action)
                events.targets.append(event.target)
                events.records.append(ByteBuffer(bytes: RecordCoding.encode(event)))
            }
        }
        try await writeEntities(accounts: accounts, cards: cards, profiles: profiles, on: connection, logger: logger)
        if !responses.cards.isEmpty {
            // The key refuses a challenge answered before, on any node.
            try await connection.query(
                """
                INSERT INTO issued_responses (card_id, challenge_hash, at_ms, key_version)
                SELECT * FROM unnest(\(responses.cards)::bigint[], \(responses.hashes)::bytea[], \(responses.at)::bigint[],
                  \(responses.versions)::bigint[])
                """, logger: logger)
        }
        if !events.sequences.isEmpty {
            try await connection.query(
                """
                INSERT INTO audit_events (sequence, at_ms, actor, action, target, record)
                SELECT * FROM unnest(\(events.sequences)::bigint[], \(events.at)::bigint[], \(events.actors)::text[],
                  \(events.actions)::text[], \(events.targets)::text[], \(events.records)::bytea[])
                """, logger: logger)
        }
        try await connection.query(
            """
            UPDATE unblock_state SET last_sequence = \(Int64(sequence)),
              next_account_id = \(Int64(directory.nextAccountID)), next_card_id = \(Int64(directory.nextCardID)),
              next_audit_sequence = \(Int64(directory.nextAuditSequence))
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.channel), \(String(sequence)))", logger: logger)
    }

    private func writeEntities(
        accounts: Set<AccountID>, cards: Set<CardID>, profiles: Set<String>,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let accountRows = accounts.compactMap { directory.account(id: $0) }
        if !accountRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO accounts (id, username, record)
                SELECT * FROM unnest(\(accountRows.map { Int64($0.id.rawValue) })::bigint[],
                  \(accountRows.map(\.username))::text[],
                  \(accountRows.map { ByteBuffer(bytes: RecordCoding.encode($0)) })::bytea[])
                ON CONFLICT (id) DO UPDATE SET username = excluded.username, record = excluded.record
                """, logger: logger)
        }
        // A card's responses live in issued_responses: its row is written without them.
        let cardRows = cards.compactMap { directory.card(id: $0) }.map { card in
            var card = card
            card.responses = []
            return card
        }
        if !cardRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO cards (id, serial, owner, record)
                SELECT * FROM unnest(\(cardRows.map { Int64($0.id.rawValue) })::bigint[],
                  \(cardRows.map(\.serial))::text[], \(cardRows.map { Int64($0.owner.rawValue) })::bigint[],
                  \(cardRows.map { ByteBuffer(bytes: RecordCoding.encode($0)) })::bytea[])
                ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, owner = excluded.owner, record = excluded.record
                """, logger: logger)
        }
        let profileRows = profiles.compactMap { directory.profile(named: $0) }
        if !profileRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO profiles (name, record)
                SELECT * FROM unnest(\(profileRows.map(\.name))::text[],
                  \(profileRows.map { ByteBuffer(bytes: RecordCoding.encode($0)) })::bytea[])
                ON CONFLICT (name) DO UPDATE SET record = excluded.record
                """, logger: logger)
        }
    }
}
