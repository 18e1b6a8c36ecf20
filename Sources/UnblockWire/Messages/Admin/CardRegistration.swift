// Admin.RegisterCard and RotateCardKey: a card issued, and a new admin key for one.
import CUnblockProtos
import UnblockProtobufBridge

/// An admin key as an administrator gives it.
public struct NewAdminKey: WireMessage {
    public enum Source: Sendable, Equatable {
        /// The key's bytes, sealed with the master key at once and never returned.
        case keyBytes([UInt8])
        /// Derived from the master key and the card's serial.
        case derive
    }

    /// For RotateCardKey, unspecified keeps the card's algorithm.
    public var algorithm: KeyAlgorithm
    /// Nil: the server answers INVALID_ARGUMENT.
    public var source: Source?

    public init(algorithm: KeyAlgorithm, source: Source?) {
        self.algorithm = algorithm
        self.source = source
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__new_admin_key__init,
        unpack: unblock__v1__new_admin_key__unpack,
        free: unblock__v1__new_admin_key__free_unpacked,
        read: { c throws(WireError) in
            let source: Source? =
                switch c.source_case {
                case UNBLOCK__V1__NEW_ADMIN_KEY__SOURCE_KEY_BYTES:
                    .keyBytes(try CReader.bytes(c.key_bytes, field: "NewAdminKey.key_bytes"))
                case UNBLOCK__V1__NEW_ADMIN_KEY__SOURCE_DERIVE: c.derive != 0 ? .derive : nil
                default: nil
                }
            return Self(
                algorithm: try CReader.enumeration(c.algorithm.rawValue, field: "NewAdminKey.algorithm"),
                source: source)
        },
        write: { message, c, arena in
            c.algorithm = Unblock__V1__KeyAlgorithm(rawValue: message.algorithm.rawValue)
            switch message.source {
            case .keyBytes(let bytes)?:
                c.source_case = UNBLOCK__V1__NEW_ADMIN_KEY__SOURCE_KEY_BYTES
                c.key_bytes = arena.bytes(bytes)
            case .derive?:
                c.source_case = UNBLOCK__V1__NEW_ADMIN_KEY__SOURCE_DERIVE
                c.derive = 1
            case nil: break
            }
        }
    )
}

/// A card issued to a user (administrators).
public struct RegisterCardRequest: WireMessage {
    public var serial: String
    /// The owner's username.
    public var owner: String
    public var profile: String
    /// Active (or unspecified) or suspended.
    public var state: CardState
    public var key: NewAdminKey?

    public init(serial: String, owner: String, profile: String, state: CardState = .active, key: NewAdminKey?) {
        self.serial = serial
        self.owner = owner
        self.profile = profile
        self.state = state
        self.key = key
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__register_card_request__init,
        unpack: unblock__v1__register_card_request__unpack,
        free: unblock__v1__register_card_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                serial: try CReader.string(c.serial, field: "RegisterCardRequest.serial"),
                owner: try CReader.string(c.owner, field: "RegisterCardRequest.owner"),
                profile: try CReader.string(c.profile, field: "RegisterCardRequest.profile"),
                state: try CReader.enumeration(c.state.rawValue, field: "RegisterCardRequest.state"),
                key: try CReader.message(c.key))
        },
        write: { message, c, arena in
            c.serial = arena.string(message.serial)
            c.owner = arena.string(message.owner)
            c.profile = arena.string(message.profile)
            c.state = Unblock__V1__CardState(rawValue: message.state.rawValue)
            c.key = message.key.map { arena.message($0, as: Unblock__V1__NewAdminKey.self) }
        }
    )
}

/// A new admin key for a card: its version goes up by one (administrators).
public struct RotateCardKeyRequest: WireMessage {
    public var serial: String
    public var key: NewAdminKey?

    public init(serial: String, key: NewAdminKey?) {
        self.serial = serial
        self.key = key
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__rotate_card_key_request__init,
        unpack: unblock__v1__rotate_card_key_request__unpack,
        free: unblock__v1__rotate_card_key_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                serial: try CReader.string(c.serial, field: "RotateCardKeyRequest.serial"),
                key: try CReader.message(c.key))
        },
        write: { message, c, arena in
            c.serial = arena.string(message.serial)
            c.key = message.key.map { arena.message($0, as: Unblock__V1__NewAdminKey.self) }
        }
    )
}
