// Authenticate: log in with username and password, get a session token.
import CUnblockProtos
import UnblockProtobufBridge

/// Log in with a method other than the blocked card.
public struct AuthenticateRequest: WireMessage {
    public var username: String
    /// Never logged; wiped by the server after hashing.
    public var password: String
    /// The authenticator app's current code, when the second-factor policy asks for one.
    public var oneTimeCode: String

    public init(username: String, password: String, oneTimeCode: String = "") {
        self.username = username
        self.password = password
        self.oneTimeCode = oneTimeCode
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__authenticate_request__init,
        unpack: unblock__v1__authenticate_request__unpack,
        free: unblock__v1__authenticate_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                username: try CReader.string(c.username, field: "AuthenticateRequest.username"),
                password: try CReader.string(c.password, field: "AuthenticateRequest.password"),
                oneTimeCode: try CReader.string(c.one_time_code, field: "AuthenticateRequest.one_time_code", limit: 64)
            )
        },
        write: { message, c, arena in
            c.username = arena.string(message.username)
            c.password = arena.string(message.password)
            c.one_time_code = arena.string(message.oneTimeCode)
        }
    )
}

/// A new session: the token to send with every call, when it expires, and who it is for.
public struct AuthenticateResponse: WireMessage {
    /// 32 random bytes, base64url without padding.
    public var sessionToken: String
    /// Absolute expiry, milliseconds since the Unix epoch.
    public var expiresAtUnixMilliseconds: UInt64
    /// The session also ends after this many seconds without a call.
    public var idleTimeoutSeconds: UInt32
    public var user: User?
    /// The session may only enrol a second factor (the policy requires one, the user has none).
    public var secondFactorEnrollmentRequired: Bool

    public init(
        sessionToken: String, expiresAtUnixMilliseconds: UInt64, idleTimeoutSeconds: UInt32, user: User?,
        secondFactorEnrollmentRequired: Bool = false
    ) {
        self.sessionToken = sessionToken
        self.expiresAtUnixMilliseconds = expiresAtUnixMilliseconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.user = user
        self.secondFactorEnrollmentRequired = secondFactorEnrollmentRequired
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__authenticate_response__init,
        unpack: unblock__v1__authenticate_response__unpack,
        free: unblock__v1__authenticate_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                sessionToken: try CReader.string(c.session_token, field: "AuthenticateResponse.session_token"),
                expiresAtUnixMilliseconds: c.expires_at_unix_ms,
                idleTimeoutSeconds: c.idle_timeout_seconds,
                user: try CReader.message(c.user),
                secondFactorEnrollmentRequired: c.second_factor_enrollment_required != 0
            )
        },
        write: { message, c, arena in
            c.session_token = arena.string(message.sessionToken)
            c.expires_at_unix_ms = message.expiresAtUnixMilliseconds
            c.idle_timeout_seconds = message.idleTimeoutSeconds
            c.user = message.user.map { arena.message($0, as: Unblock__V1__User.self) }
            c.second_factor_enrollment_required = message.secondFactorEnrollmentRequired ? 1 : 0
        }
    )
}
