// A mutation and a journal record as stored on disk.
import CUnblockProtos
import UnblockCore
import UnblockProtobufBridge

struct StoredMutation: WireMessage {
    var value: Mutation

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__mutation__init,
        unpack: unblock__store__v1__mutation__unpack,
        free: unblock__store__v1__mutation__free_unpacked,
        read: { c throws(WireError) in
            let mutation: Mutation? =
                switch c.change_case {
                case UNBLOCK__STORE__V1__MUTATION__CHANGE_ACCOUNT:
                    (try CReader.message(c.account) as StoredAccount?).map { .account($0.value) }
                case UNBLOCK__STORE__V1__MUTATION__CHANGE_CARD:
                    (try CReader.message(c.card) as StoredCard?).map { .card($0.value) }
                case UNBLOCK__STORE__V1__MUTATION__CHANGE_PROFILE:
                    (try CReader.message(c.profile) as StoredProfile?).map { .profile($0.value) }
                case UNBLOCK__STORE__V1__MUTATION__CHANGE_AUDIT:
                    (try CReader.message(c.audit) as StoredAuditEvent?).map { .audit($0.value) }
                case UNBLOCK__STORE__V1__MUTATION__CHANGE_RESPONSE_ISSUED:
                    (try CReader.message(c.response_issued) as StoredResponseIssued?).map {
                        .responseIssued($0.card, $0.response)
                    }
                default: nil
                }
            guard let mutation else {
                throw WireError(code: .malformedMessage, message: "Mutation has no change")
            }
            return Self(value: mutation)
        },
        write: { message, c, arena in
            switch message.value {
            case .account(let account):
                c.change_case = UNBLOCK__STORE__V1__MUTATION__CHANGE_ACCOUNT
                c.account = arena.message(StoredAccount(value: account), as: Unblock__Store__V1__Account.self)
            case .card(let card):
                c.change_case = UNBLOCK__STORE__V1__MUTATION__CHANGE_CARD
                c.card = arena.message(StoredCard(value: card), as: Unblock__Store__V1__Card.self)
            case .profile(let profile):
                c.change_case = UNBLOCK__STORE__V1__MUTATION__CHANGE_PROFILE
                c.profile = arena.message(StoredProfile(value: profile), as: Unblock__Store__V1__Profile.self)
            case .audit(let event):
                c.change_case = UNBLOCK__STORE__V1__MUTATION__CHANGE_AUDIT
                c.audit = arena.message(StoredAuditEvent(value: event), as: Unblock__Store__V1__AuditEvent.self)
            case .responseIssued(let card, let response):
                c.change_case = UNBLOCK__STORE__V1__MUTATION__CHANGE_RESPONSE_ISSUED
                c.response_issued = arena.message(
                    StoredResponseIssued(card: card, response: response), as: Unblock__Store__V1__ResponseIssued.self)
            }
        }
    )
}

struct StoredResponseIssued: WireMessage {
    var card: CardID
    var response: IssuedResponse

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__response_issued__init,
        unpack: unblock__store__v1__response_issued__unpack,
        free: unblock__store__v1__response_issued__free_unpacked,
        read: { c throws(WireError) in
            guard let response: StoredIssuedResponse = try CReader.message(c.response) else {
                throw WireError(code: .malformedMessage, message: "ResponseIssued has no response")
            }
            return Self(card: CardID(c.card_id), response: response.value)
        },
        write: { message, c, arena in
            c.card_id = message.card.rawValue
            c.response = arena.message(
                StoredIssuedResponse(value: message.response), as: Unblock__Store__V1__IssuedResponse.self)
        }
    )
}

/// One acknowledged commit in the journal.
struct JournalRecord: WireMessage {
    var sequence: UInt64
    var mutations: [Mutation]

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__journal_record__init,
        unpack: unblock__store__v1__journal_record__unpack,
        free: unblock__store__v1__journal_record__free_unpacked,
        read: { c throws(WireError) in
            let mutations: [StoredMutation] = try CReader.messages(c.n_mutations, c.mutations)
            return Self(
                sequence: try StoredRange.identifier(c.sequence, field: "JournalRecord.sequence"),
                mutations: mutations.map(\.value))
        },
        write: { message, c, arena in
            c.sequence = message.sequence
            c.n_mutations = message.mutations.count
            c.mutations = arena.messages(
                message.mutations.map(StoredMutation.init),
                as: Unblock__Store__V1__Mutation.self
            )
        }
    )
}
