// Logout: end the session the call carries.
import CUnblockProtos
import UnblockProtobufBridge

/// Ends the session named in the request frame.
public struct LogoutRequest: WireMessage {
    public init() {}

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__logout_request__init,
        unpack: unblock__v1__logout_request__unpack,
        free: unblock__v1__logout_request__free_unpacked,
        read: { _ in Self() },
        write: { _, _, _ in }
    )
}

/// The session is over.
public struct LogoutResponse: WireMessage {
    public init() {}

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__logout_response__init,
        unpack: unblock__v1__logout_response__unpack,
        free: unblock__v1__logout_response__free_unpacked,
        read: { _ in Self() },
        write: { _, _, _ in }
    )
}
