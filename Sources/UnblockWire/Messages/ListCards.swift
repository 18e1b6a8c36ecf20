// ListCards: the caller's cards (or, for an administrator, another user's).
import CUnblockProtos
import UnblockProtobufBridge

/// Which user's cards to list.
public struct ListCardsRequest: WireMessage {
    /// Empty: the caller's own cards. Another username: administrators only.
    public var username: String

    public init(username: String = "") {
        self.username = username
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_cards_request__init,
        unpack: unblock__v1__list_cards_request__unpack,
        free: unblock__v1__list_cards_request__free_unpacked,
        read: { c throws(WireError) in
            Self(username: try CReader.string(c.username, field: "ListCardsRequest.username"))
        },
        write: { message, c, arena in
            c.username = arena.string(message.username)
        }
    )
}

/// The cards, each with the actions possible on it now.
public struct ListCardsResponse: WireMessage {
    public var cards: [Card]

    public init(cards: [Card]) {
        self.cards = cards
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_cards_response__init,
        unpack: unblock__v1__list_cards_response__unpack,
        free: unblock__v1__list_cards_response__free_unpacked,
        read: { c throws(WireError) in
            Self(cards: try CReader.messages(c.n_cards, c.cards))
        },
        write: { message, c, arena in
            c.n_cards = message.cards.count
            c.cards = arena.messages(message.cards, as: Unblock__V1__Card.self)
        }
    )
}
