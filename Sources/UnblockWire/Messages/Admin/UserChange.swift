// Admin.UnlockUser, and the answer of every call that changes a user.
import CUnblockProtos
import UnblockProtobufBridge

public struct UnlockUserRequest: WireMessage {
    public var username: String

    public init(username: String) { self.username = username }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__unlock_user_request__init,
        unpack: unblock__v1__unlock_user_request__unpack,
        free: unblock__v1__unlock_user_request__free_unpacked,
        read: { c throws(WireError) in
            Self(username: try CReader.string(c.username, field: "UnlockUserRequest.username"))
        },
        write: { message, c, arena in c.username = arena.string(message.username) }
    )
}

/// The answer of every call that changes a user.
public struct UserChangeResponse: WireMessage {
    /// False when the user already was as asked.
    public var changed: Bool
    public var user: UserDetails

    public init(changed: Bool, user: UserDetails) {
        self.changed = changed
        self.user = user
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__user_change_response__init,
        unpack: unblock__v1__user_change_response__unpack,
        free: unblock__v1__user_change_response__free_unpacked,
        read: { c throws(WireError) in
            guard let user: UserDetails = try CReader.message(c.user) else {
                throw WireError(code: .malformedMessage, message: "UserChangeResponse.user is missing")
            }
            return Self(changed: c.changed != 0, user: user)
        },
        write: { message, c, arena in
            c.changed = message.changed ? 1 : 0
            c.user = arena.message(message.user, as: Unblock__V1__UserDetails.self)
        }
    )
}
