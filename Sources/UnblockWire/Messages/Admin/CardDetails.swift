// A card as the help desk sees it (unblock.v1.CardDetails), with the responses it remembers: never a response.
import CUnblockProtos
import UnblockProtobufBridge

/// A response issued for a card: when, with which key version, and which challenge (a hash prefix).
public struct ResponseRecord: WireMessage {
    public var atUnixMilliseconds: UInt64
    /// 0 for responses recorded before key versions were kept.
    public var keyVersion: UInt32
    /// The first 8 hex digits of the SHA-256 of the card id and the challenge.
    public var challengeHashPrefix: String

    public init(atUnixMilliseconds: UInt64, keyVersion: UInt32, challengeHashPrefix: String) {
        self.atUnixMilliseconds = atUnixMilliseconds
        self.keyVersion = keyVersion
        self.challengeHashPrefix = challengeHashPrefix
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__response_record__init,
        unpack: unblock__v1__response_record__unpack,
        free: unblock__v1__response_record__free_unpacked,
        read: { c throws(WireError) in
            Self(
                atUnixMilliseconds: c.at_unix_ms, keyVersion: c.key_version,
                challengeHashPrefix: try CReader.string(
                    c.challenge_hash_prefix, field: "ResponseRecord.challenge_hash_prefix"))
        },
        write: { message, c, arena in
            c.at_unix_ms = message.atUnixMilliseconds
            c.key_version = message.keyVersion
            c.challenge_hash_prefix = arena.string(message.challengeHashPrefix)
        }
    )
}

/// A card with its recent responses and where it stands against its response limit.
public struct CardDetails: WireMessage {
    public var card: Card
    /// Newest first, at most 100.
    public var recentResponses: [ResponseRecord]
    public var responsesInWindow: UInt32
    public var responseLimit: UInt32
    /// When the help desk last reset the limit; 0: never.
    public var responseLimitResetUnixMilliseconds: UInt64
    /// First 3 bytes of the admin key's encryption of a zero block.
    public var keyCheckValue: [UInt8]

    public init(
        card: Card, recentResponses: [ResponseRecord], responsesInWindow: UInt32, responseLimit: UInt32,
        responseLimitResetUnixMilliseconds: UInt64, keyCheckValue: [UInt8]
    ) {
        self.card = card
        self.recentResponses = recentResponses
        self.responsesInWindow = responsesInWindow
        self.responseLimit = responseLimit
        self.responseLimitResetUnixMilliseconds = responseLimitResetUnixMilliseconds
        self.keyCheckValue = keyCheckValue
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__card_details__init,
        unpack: unblock__v1__card_details__unpack,
        free: unblock__v1__card_details__free_unpacked,
        read: { c throws(WireError) in
            guard let card: Card = try CReader.message(c.card) else {
                throw WireError(code: .malformedMessage, message: "CardDetails.card is missing")
            }
            return Self(
                card: card, recentResponses: try CReader.messages(c.n_recent_responses, c.recent_responses),
                responsesInWindow: c.responses_in_window, responseLimit: c.response_limit,
                responseLimitResetUnixMilliseconds: c.response_limit_reset_unix_ms,
                keyCheckValue: try CReader.bytes(c.key_check_value, field: "CardDetails.key_check_value"))
        },
        write: { message, c, arena in
            c.card = arena.message(message.card, as: Unblock__V1__Card.self)
            c.n_recent_responses = message.recentResponses.count
            c.recent_responses = arena.messages(message.recentResponses, as: Unblock__V1__ResponseRecord.self)
            c.responses_in_window = message.responsesInWindow
            c.response_limit = message.responseLimit
            c.response_limit_reset_unix_ms = message.responseLimitResetUnixMilliseconds
            c.key_check_value = arena.bytes(message.keyCheckValue)
        }
    )
}

/// The answer of every call that changes a card.
public struct CardChangeResponse: WireMessage {
    /// False when the card already was as asked.
    public var changed: Bool
    public var card: CardDetails

    public init(changed: Bool, card: CardDetails) {
        self.changed = changed
        self.card = card
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__card_change_response__init,
        unpack: unblock__v1__card_change_response__unpack,
        free: unblock__v1__card_change_response__free_unpacked,
        read: { c throws(WireError) in
            guard let card: CardDetails = try CReader.message(c.card) else {
                throw WireError(code: .malformedMessage, message: "CardChangeResponse.card is missing")
            }
            return Self(changed: c.changed != 0, card: card)
        },
        write: { message, c, arena in
            c.changed = message.changed ? 1 : 0
            c.card = arena.message(message.card, as: Unblock__V1__CardDetails.self)
        }
    )
}
