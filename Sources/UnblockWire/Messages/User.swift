// A user of the service, as the contract shows it.
import CUnblockProtos
import UnblockProtobufBridge

/// A user: the login name, the name to display, roles and state.
public struct User: WireMessage {
    public var username: String
    public var displayName: String
    public var roles: [Role]
    public var state: UserState

    public init(username: String, displayName: String, roles: [Role], state: UserState) {
        self.username = username
        self.displayName = displayName
        self.roles = roles
        self.state = state
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__user__init,
        unpack: unblock__v1__user__unpack,
        free: unblock__v1__user__free_unpacked,
        read: { c throws(WireError) in
            Self(
                username: try CReader.string(c.username, field: "User.username"),
                displayName: try CReader.string(c.display_name, field: "User.display_name"),
                roles: try CReader.enumerations(c.n_roles, c.roles, field: "User.roles"),
                state: try CReader.enumeration(c.state.rawValue, field: "User.state")
            )
        },
        write: { message, c, arena in
            c.username = arena.string(message.username)
            c.display_name = arena.string(message.displayName)
            c.n_roles = message.roles.count
            c.roles = arena.enumerations(message.roles, as: Unblock__V1__Role.self)
            c.state = Unblock__V1__UserState(rawValue: message.state.rawValue)
        }
    )
}
