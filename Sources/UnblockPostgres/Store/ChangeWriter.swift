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

    /// One statement: each table's rows in a data-modifying CTE (an empty array writes none),
    /// so that a commit costs one round trip to the database between its lock and COMMIT.
    func write(on connection: PostgresConnection, logger: Logger) async throws {
        var accounts: Set<AccountID> = []
        var cards: Set<CardID> = []
        var profiles: Set<String> = []
        var responses = Responses()
        var events = Events()
        for mutation in mutations {
            switch mutation {
            case .account(let account): accounts.insert(account.id)
            case .card(let card): cards.insert(card.id)
            case .profile(let profile): profiles.insert(profile.name)
            case .responseIssued(let card, let response): responses.append(card, response)
            case .audit(let event): events.append(event)
            }
        }
        let accountRows = accounts.compactMap { directory.account(id: $0) }
        // A card's responses live in issued_responses: its row is written without them.
        let cardRows = cards.compactMap { directory.card(id: $0) }.map { card in
            var card = card
            card.responses = []
            return card
        }
        let profileRows = profiles.compactMap { directory.profile(named: $0) }
        let record = ByteBuffer(bytes: RecordCoding.encode(mutations, sequence: sequence))
        try await connection.query(
            """
            WITH change AS (INSERT INTO unblock_changes (sequence, record) VALUES (\(Int64(sequence)), \(record))),
            account_rows AS (
              INSERT INTO accounts (id, username, record)
              SELECT * FROM unnest(\(accountRows.map { Int64($0.id.rawValue) })::bigint[],
                \(accountRows.map(\.username))::text[],
                \(accountRows.map { ByteBuffer(bytes: RecordCoding.encode($0)) })::bytea[])
              ON CONFLICT (id) DO UPDATE SET username = excluded.username, record = excluded.record),
            card_rows AS (
              INSERT INTO cards (id, serial, owner, record)
              SELECT * FROM unnest(\(cardRows.map { Int64($0.id.rawValue) })::bigint[],
                \(cardRows.map(\.serial))::text[], \(cardRows.map { Int64($0.owner.rawValue) })::bigint[],
                \(cardRows.map { ByteBuffer(bytes: RecordCoding.encode($0)) })::bytea[])
              ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, owner = excluded.owner, record = excluded.record),
            profile_rows AS (
              INSERT INTO profiles (name, record)
              SELECT * FROM unnest(\(profileRows.map(\.name))::text[],
                \(profileRows.map { ByteBuffer(bytes: RecordCoding.encode($0)) })::bytea[])
              ON CONFLICT (name) DO UPDATE SET record = excluded.record),
            -- The key refuses a challenge answered before, on any node.
            response_rows AS (
              INSERT INTO issued_responses (card_id, challenge_hash, at_ms, key_version)
              SELECT * FROM unnest(\(responses.cards)::bigint[], \(responses.hashes)::bytea[],
                \(responses.at)::bigint[], \(responses.versions)::bigint[])),
            event_rows AS (
              INSERT INTO audit_events (sequence, at_ms, actor, action, target, record)
              SELECT * FROM unnest(\(events.sequences)::bigint[], \(events.at)::bigint[], \(events.actors)::text[],
                \(events.actions)::text[], \(events.targets)::text[], \(events.records)::bytea[])),
            state AS (
              UPDATE unblock_state SET last_sequence = \(Int64(sequence)),
                next_account_id = \(Int64(directory.nextAccountID)), next_card_id = \(Int64(directory.nextCardID)),
                next_audit_sequence = \(Int64(directory.nextAuditSequence)))
            SELECT pg_notify(\(Self.channel), \(String(sequence)))
            """, logger: logger)
    }

    /// The columns of issued_responses, one array each.
    private struct Responses {
        var cards: [Int64] = []
        var hashes: [ByteBuffer] = []
        var at: [Int64] = []
        var versions: [Int64] = []

        mutating func append(_ card: CardID, _ response: IssuedResponse) {
            cards.append(Int64(card.rawValue))
            hashes.append(ByteBuffer(bytes: response.challengeHash.bytes))
            at.append(response.at.milliseconds)
            versions.append(Int64(response.keyVersion))
        }
    }

    /// The columns of audit_events, one array each.
    private struct Events {
        var sequences: [Int64] = []
        var at: [Int64] = []
        var actors: [String] = []
        var actions: [String] = []
        var targets: [String] = []
        var records: [ByteBuffer] = []

        mutating func append(_ event: AuditEvent) {
            sequences.append(Int64(event.sequence))
            at.append(event.at.milliseconds)
            actors.append(event.actor)
            actions.append(event.action)
            targets.append(event.target)
            records.append(ByteBuffer(bytes: RecordCoding.encode(event)))
        }
    }
}
