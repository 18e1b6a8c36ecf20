// The requests of Admin.GetCard, SetCardState, ResetResponseLimit and TransferCard.
import CUnblockProtos
import UnblockProtobufBridge

public struct GetCardRequest: WireMessage {
    public var serial: String

    public init(serial: String) { self.serial = serial }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__get_card_request__init,
        unpack: unblock__v1__get_card_request__unpack,
        free: unblock__v1__get_card_request__free_unpacked,
        read: { c throws(WireError) in Self(serial: try CReader.string(c.serial, field: "GetCardRequest.serial")) },
        write: { message, c, arena in c.serial = arena.string(message.serial) }
    )
}

public struct GetCardResponse: WireMessage {
    public var card: CardDetails

    public init(card: CardDetails) { self.card = card }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__get_card_response__init,
        unpack: unblock__v1__get_card_response__unpack,
        free: unblock__v1__get_card_response__free_unpacked,
        read: { c throws(WireError) in
            guard let card: CardDetails = try CReader.message(c.card) else {
                throw WireError(code: .malformedMessage, message: "GetCardResponse.card is missing")
            }
            return Self(card: card)
        },
        write: { message, c, arena in c.card = arena.message(message.card, as: Unblock__V1__CardDetails.self) }
    )
}

/// Suspends a card (help desk), or makes it active or revoked (administrators).
public struct SetCardStateRequest: WireMessage {
    public var serial: String
    public var state: CardState

    public init(serial: String, state: CardState) {
        self.serial = serial
        self.state = state
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__set_card_state_request__init,
        unpack: unblock__v1__set_card_state_request__unpack,
        free: unblock__v1__set_card_state_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                serial: try CReader.string(c.serial, field: "SetCardStateRequest.serial"),
                state: try CReader.enumeration(c.state.rawValue, field: "SetCardStateRequest.state"))
        },
        write: { message, c, arena in
            c.serial = arena.string(message.serial)
            c.state = Unblock__V1__CardState(rawValue: message.state.rawValue)
        }
    )
}

public struct ResetResponseLimitRequest: WireMessage {
    public var serial: String

    public init(serial: String) { self.serial = serial }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__reset_response_limit_request__init,
        unpack: unblock__v1__reset_response_limit_request__unpack,
        free: unblock__v1__reset_response_limit_request__free_unpacked,
        read: { c throws(WireError) in
            Self(serial: try CReader.string(c.serial, field: "ResetResponseLimitRequest.serial"))
        },
        write: { message, c, arena in c.serial = arena.string(message.serial) }
    )
}

/// Gives a card to another user (administrators).
public struct TransferCardRequest: WireMessage {
    public var serial: String
    /// The new owner's username.
    public var owner: String

    public init(serial: String, owner: String) {
        self.serial = serial
        self.owner = owner
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__transfer_card_request__init,
        unpack: unblock__v1__transfer_card_request__unpack,
        free: unblock__v1__transfer_card_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                serial: try CReader.string(c.serial, field: "TransferCardRequest.serial"),
                owner: try CReader.string(c.owner, field: "TransferCardRequest.owner"))
        },
        write: { message, c, arena in
            c.serial = arena.string(message.serial)
            c.owner = arena.string(message.owner)
        }
    )
}
