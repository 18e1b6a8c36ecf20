// Admin.GetUser: one user, with the state of their logins.
import CUnblockProtos
import UnblockProtobufBridge

public struct GetUserRequest: WireMessage {
    public var username: String

    public init(username: String) { self.username = username }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__get_user_request__init,
        unpack: unblock__v1__get_user_request__unpack,
        free: unblock__v1__get_user_request__free_unpacked,
        read: { c throws(WireError) in Self(username: try CReader.string(c.username, field: "GetUserRequest.username"))
        },
        write: { message, c, arena in c.username = arena.string(message.username) }
    )
}

public struct GetUserResponse: WireMessage {
    public var user: UserDetails

    public init(user: UserDetails) { self.user = user }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__get_user_response__init,
        unpack: unblock__v1__get_user_response__unpack,
        free: unblock__v1__get_user_response__free_unpacked,
        read: { c throws(WireError) in
            guard let user: UserDetails = try CReader.message(c.user) else {
                throw WireError(code: .malformedMessage, message: "GetUserResponse.user is missing")
            }
            return Self(user: user)
        },
        write: { message, c, arena in c.user = arena.message(message.user, as: Unblock__V1__UserDetails.self) }
    )
}
