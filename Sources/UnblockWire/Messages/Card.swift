// A smart card, as the contract shows it to its owner or an administrator.
import CUnblockProtos
import UnblockProtobufBridge

/// A card: identity, profile, lifecycle state, admin-key algorithm and what its owner can do now.
public struct Card: WireMessage {
    /// Stable identifier assigned by the service.
    public var cardID: String
    /// The chip serial, hex.
    public var serial: String
    /// Name of the card profile the card was issued from.
    public var profile: String
    public var state: CardState
    public var keyAlgorithm: KeyAlgorithm
    public var keyVersion: UInt32
    /// Processes the owner can start on this card now.
    public var possibleActions: [CardProcess]
    /// Username of the owner.
    public var owner: String

    public init(
        cardID: String,
        serial: String,
        profile: String,
        state: CardState,
        keyAlgorithm: KeyAlgorithm,
        keyVersion: UInt32,
        possibleActions: [CardProcess],
        owner: String
    ) {
        self.cardID = cardID
        self.serial = serial
        self.profile = profile
        self.state = state
        self.keyAlgorithm = keyAlgorithm
        self.keyVersion = keyVersion
        self.possibleActions = possibleActions
        self.owner = owner
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__card__init,
        unpack: unblock__v1__card__unpack,
        free: unblock__v1__card__free_unpacked,
        read: { c throws(WireError) in
            Self(
                cardID: try CReader.string(c.card_id, field: "Card.card_id"),
                serial: try CReader.string(c.serial, field: "Card.serial"),
                profile: try CReader.string(c.profile, field: "Card.profile"),
                state: try CReader.enumeration(c.state.rawValue, field: "Card.state"),
                keyAlgorithm: try CReader.enumeration(c.key_algorithm.rawValue, field: "Card.key_algorithm"),
                keyVersion: c.key_version,
                possibleActions: try CReader.enumerations(
                    c.n_possible_actions,
                    c.possible_actions,
                    field: "Card.possible_actions"
                ),
                owner: try CReader.string(c.owner, field: "Card.owner")
            )
        },
        write: { message, c, arena in
            c.card_id = arena.string(message.cardID)
            c.serial = arena.string(message.serial)
            c.profile = arena.string(message.profile)
            c.state = Unblock__V1__CardState(rawValue: message.state.rawValue)
            c.key_algorithm = Unblock__V1__KeyAlgorithm(rawValue: message.keyAlgorithm.rawValue)
            c.key_version = message.keyVersion
            c.n_possible_actions = message.possibleActions.count
            c.possible_actions = arena.enumerations(message.possibleActions, as: Unblock__V1__Process.self)
            c.owner = arena.string(message.owner)
        }
    )
}
