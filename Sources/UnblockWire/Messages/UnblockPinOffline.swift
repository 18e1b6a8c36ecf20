// UnblockPinOffline: the response to the challenge Windows shows for a blocked card.
import CUnblockProtos
import UnblockProtobufBridge

/// Asks for the response to a card's challenge.
public struct UnblockPinOfflineRequest: WireMessage {
    /// How the request names the card.
    public enum CardSelector: Sendable, Equatable {
        case cardID(String)
        case serial(String)
    }

    /// The card; nil when the client named none (the server answers INVALID_ARGUMENT).
    public var card: CardSelector?
    /// As Windows shows it: hex, case-insensitive; spaces, dashes and colons ignored.
    public var challenge: String

    public init(card: CardSelector?, challenge: String) {
        self.card = card
        self.challenge = challenge
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__unblock_pin_offline_request__init,
        unpack: unblock__v1__unblock_pin_offline_request__unpack,
        free: unblock__v1__unblock_pin_offline_request__free_unpacked,
        read: { c throws(WireError) in
            let card: CardSelector? =
                switch c.card_case {
                case UNBLOCK__V1__UNBLOCK_PIN_OFFLINE_REQUEST__CARD_CARD_ID:
                    .cardID(try CReader.string(c.card_id, field: "UnblockPinOfflineRequest.card_id"))
                case UNBLOCK__V1__UNBLOCK_PIN_OFFLINE_REQUEST__CARD_SERIAL:
                    .serial(try CReader.string(c.serial, field: "UnblockPinOfflineRequest.serial"))
                default: nil
                }
            return Self(
                card: card,
                challenge: try CReader.string(c.challenge, field: "UnblockPinOfflineRequest.challenge")
            )
        },
        write: { message, c, arena in
            switch message.card {
            case .cardID(let cardID):
                c.card_case = UNBLOCK__V1__UNBLOCK_PIN_OFFLINE_REQUEST__CARD_CARD_ID
                c.card_id = arena.string(cardID)
            case .serial(let serial):
                c.card_case = UNBLOCK__V1__UNBLOCK_PIN_OFFLINE_REQUEST__CARD_SERIAL
                c.serial = arena.string(serial)
            case nil:
                break
            }
            c.challenge = arena.string(message.challenge)
        }
    )
}

/// The response to type on the PC, and which key made it.
public struct UnblockPinOfflineResponse: WireMessage {
    /// Uppercase hex in groups of four separated by spaces, e.g. `1951 EC3E F81B BABB`.
    public var response: String
    public var responseBytes: [UInt8]
    public var keyVersion: UInt32
    /// First 3 bytes of the admin key's encryption of a zero block.
    public var keyCheckValue: [UInt8]
    public var cardID: String
    public var serial: String
    public var keyAlgorithm: KeyAlgorithm

    public init(
        response: String,
        responseBytes: [UInt8],
        keyVersion: UInt32,
        keyCheckValue: [UInt8],
        cardID: String,
        serial: String,
        keyAlgorithm: KeyAlgorithm
    ) {
        self.response = response
        self.responseBytes = responseBytes
        self.keyVersion = keyVersion
        self.keyCheckValue = keyCheckValue
        self.cardID = cardID
        self.serial = serial
        self.keyAlgorithm = keyAlgorithm
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__unblock_pin_offline_response__init,
        unpack: unblock__v1__unblock_pin_offline_response__unpack,
        free: unblock__v1__unblock_pin_offline_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                response: try CReader.string(c.response, field: "UnblockPinOfflineResponse.response"),
                responseBytes: try CReader.bytes(c.response_bytes, field: "UnblockPinOfflineResponse.response_bytes"),
                keyVersion: c.key_version,
                keyCheckValue: try CReader.bytes(c.key_check_value, field: "UnblockPinOfflineResponse.key_check_value"),
                cardID: try CReader.string(c.card_id, field: "UnblockPinOfflineResponse.card_id"),
                serial: try CReader.string(c.serial, field: "UnblockPinOfflineResponse.serial"),
                keyAlgorithm: try CReader.enumeration(
                    c.key_algorithm.rawValue,
                    field: "UnblockPinOfflineResponse.key_algorithm"
                )
            )
        },
        write: { message, c, arena in
            c.response = arena.string(message.response)
            c.response_bytes = arena.bytes(message.responseBytes)
            c.key_version = message.keyVersion
            c.key_check_value = arena.bytes(message.keyCheckValue)
            c.card_id = arena.string(message.cardID)
            c.serial = arena.string(message.serial)
            c.key_algorithm = Unblock__V1__KeyAlgorithm(rawValue: message.keyAlgorithm.rawValue)
        }
    )
}
