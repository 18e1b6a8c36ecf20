// Admin.EnrollTOTP and Admin.RemoveTOTP: a user's second factor given or taken away.
import CUnblockProtos
import UnblockProtobufBridge

public struct EnrollTOTPRequest: WireMessage {
    public var username: String

    public init(username: String) { self.username = username }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__enroll_totprequest__init,
        unpack: unblock__v1__enroll_totprequest__unpack,
        free: unblock__v1__enroll_totprequest__free_unpacked,
        read: { c throws(WireError) in
            Self(username: try CReader.string(c.username, field: "EnrollTOTPRequest.username"))
        },
        write: { message, c, arena in c.username = arena.string(message.username) }
    )
}

/// The new secret as the URI an authenticator app enrols from (shown once), and the user.
public struct EnrollTOTPResponse: WireMessage {
    public var uri: String
    public var user: UserDetails

    public init(uri: String, user: UserDetails) {
        self.uri = uri
        self.user = user
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__enroll_totpresponse__init,
        unpack: unblock__v1__enroll_totpresponse__unpack,
        free: unblock__v1__enroll_totpresponse__free_unpacked,
        read: { c throws(WireError) in
            guard let user: UserDetails = try CReader.message(c.user) else {
                throw WireError(code: .malformedMessage, message: "EnrollTOTPResponse.user is missing")
            }
            return Self(uri: try CReader.string(c.uri, field: "EnrollTOTPResponse.uri"), user: user)
        },
        write: { message, c, arena in
            c.uri = arena.string(message.uri)
            c.user = arena.message(message.user, as: Unblock__V1__UserDetails.self)
        }
    )
}

public struct RemoveTOTPRequest: WireMessage {
    public var username: String

    public init(username: String) { self.username = username }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__remove_totprequest__init,
        unpack: unblock__v1__remove_totprequest__unpack,
        free: unblock__v1__remove_totprequest__free_unpacked,
        read: { c throws(WireError) in
            Self(username: try CReader.string(c.username, field: "RemoveTOTPRequest.username"))
        },
        write: { message, c, arena in c.username = arena.string(message.username) }
    )
}
