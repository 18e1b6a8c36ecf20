// A card as stored on disk (unblock.store.v1.Card), with its admin key record and issued responses.
import CUnblockProtos
import UnblockCore
import UnblockCrypto
import UnblockProtobufBridge

extension AdminKeyAlgorithm {
    /// The number of the public contract's `KeyAlgorithm` enum.
    var contractNumber: UInt32 {
        switch self {
        case .tripleDES: 1
        case .aes128: 2
        case .aes192: 3
        case .aes256: 4
        }
    }

    init(contractNumber: UInt32) throws(WireError) {
        guard contractNumber >= 1, let algorithm = Self.allCases.first(where: { $0.contractNumber == contractNumber })
        else {
            throw WireError(code: .unknownEnumValue, message: "AdminKey.algorithm has unknown value \(contractNumber)")
        }
        self = algorithm
    }
}

struct StoredAdminKey: WireMessage {
    var value: AdminKeyRecord

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__admin_key__init,
        unpack: unblock__store__v1__admin_key__unpack,
        free: unblock__store__v1__admin_key__free_unpacked,
        read: { c throws(WireError) in
            let sealed = try CReader.bytes(c.sealed, field: "AdminKey.sealed")
            return Self(
                value: AdminKeyRecord(
                    algorithm: try AdminKeyAlgorithm(contractNumber: c.algorithm),
                    source: c.derived != 0 ? .derived : .sealed(sealed),
                    version: c.version,
                    checkValue: try CReader.bytes(c.check_value, field: "AdminKey.check_value")
                )
            )
        },
        write: { message, c, arena in
            c.algorithm = message.value.algorithm.contractNumber
            switch message.value.source {
            case .derived: c.derived = 1
            case .sealed(let bytes): c.sealed = arena.bytes(bytes)
            }
            c.version = message.value.version
            c.check_value = arena.bytes(message.value.checkValue)
        }
    )
}

struct StoredIssuedResponse: WireMessage {
    var value: IssuedResponse

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__issued_response__init,
        unpack: unblock__store__v1__issued_response__unpack,
        free: unblock__store__v1__issued_response__free_unpacked,
        read: { c throws(WireError) in
            let bytes = try CReader.bytes(c.challenge_hash, field: "IssuedResponse.challenge_hash")
            guard let hash = SHA256Hash(bytes) else {
                throw WireError(
                    code: .malformedMessage,
                    message: "IssuedResponse.challenge_hash has \(bytes.count) bytes, not \(SHA256Hash.byteCount)")
            }
            return Self(
                value: IssuedResponse(
                    challengeHash: hash, at: try StoredRange.timestamp(c.at_ms, field: "IssuedResponse.at_ms"),
                    keyVersion: c.key_version))
        },
        write: { message, c, arena in
            c.challenge_hash = arena.bytes(message.value.challengeHash.bytes)
            c.at_ms = message.value.at.milliseconds
            c.key_version = message.value.keyVersion
        }
    )
}

struct StoredCard: WireMessage {
    var value: SmartCard

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__card__init,
        unpack: unblock__store__v1__card__unpack,
        free: unblock__store__v1__card__free_unpacked,
        read: { c throws(WireError) in
            guard let key: StoredAdminKey = try CReader.message(c.key) else {
                throw WireError(code: .malformedMessage, message: "Card \(c.id) has no admin key")
            }
            let responses: [StoredIssuedResponse] = try CReader.messages(c.n_responses, c.responses)
            return Self(
                value: SmartCard(
                    id: CardID(try StoredRange.identifier(c.id, field: "Card.id")),
                    serial: try CReader.string(c.serial, field: "Card.serial"),
                    owner: AccountID(c.owner),
                    profile: try CReader.string(c.profile, field: "Card.profile"),
                    state: try CReader.enumeration(c.state, field: "Card.state"),
                    key: key.value,
                    responses: responses.map(\.value),
                    responseLimitResetAt: c.response_limit_reset_ms == 0
                        ? nil
                        : try StoredRange.timestamp(c.response_limit_reset_ms, field: "Card.response_limit_reset_ms")
                )
            )
        },
        write: { message, c, arena in
            let card = message.value
            c.id = card.id.rawValue
            c.serial = arena.string(card.serial)
            c.owner = card.owner.rawValue
            c.profile = arena.string(card.profile)
            c.state = card.state.rawValue
            c.key = arena.message(StoredAdminKey(value: card.key), as: Unblock__Store__V1__AdminKey.self)
            c.n_responses = card.responses.count
            c.responses = arena.messages(
                card.responses.map(StoredIssuedResponse.init),
                as: Unblock__Store__V1__IssuedResponse.self
            )
            c.response_limit_reset_ms = card.responseLimitResetAt?.milliseconds ?? 0
        }
    )
}
