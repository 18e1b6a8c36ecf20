// A user as the help desk sees it (unblock.v1.UserDetails): never a password or its hash.
import CUnblockProtos
import UnblockProtobufBridge

/// A user with the state of their logins and how many cards they own.
public struct UserDetails: WireMessage {
    public var user: User
    /// Logins are refused until then, milliseconds since the Unix epoch; 0: not locked.
    public var lockedUntilUnixMilliseconds: UInt64
    /// Consecutive failed logins since the last success or lockout.
    public var failedLogins: UInt32
    /// The last successful login, milliseconds since the Unix epoch; 0: never.
    public var lastLoginUnixMilliseconds: UInt64
    public var cardCount: UInt32
    /// Whether the user has a TOTP secret enrolled.
    public var totpEnrolled: Bool

    public init(
        user: User, lockedUntilUnixMilliseconds: UInt64, failedLogins: UInt32, lastLoginUnixMilliseconds: UInt64,
        cardCount: UInt32, totpEnrolled: Bool = false
    ) {
        self.totpEnrolled = totpEnrolled
        self.user = user
        self.lockedUntilUnixMilliseconds = lockedUntilUnixMilliseconds
        self.failedLogins = failedLogins
        self.lastLoginUnixMilliseconds = lastLoginUnixMilliseconds
        self.cardCount = cardCount
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__user_details__init,
        unpack: unblock__v1__user_details__unpack,
        free: unblock__v1__user_details__free_unpacked,
        read: { c throws(WireError) in
            guard let user: User = try CReader.message(c.user) else {
                throw WireError(code: .malformedMessage, message: "UserDetails.user is missing")
            }
            return Self(
                user: user, lockedUntilUnixMilliseconds: c.locked_until_unix_ms, failedLogins: c.failed_logins,
                lastLoginUnixMilliseconds: c.last_login_unix_ms, cardCount: c.card_count,
                totpEnrolled: c.totp_enrolled != 0)
        },
        write: { message, c, arena in
            c.user = arena.message(message.user, as: Unblock__V1__User.self)
            c.locked_until_unix_ms = message.lockedUntilUnixMilliseconds
            c.failed_logins = message.failedLogins
            c.last_login_unix_ms = message.lastLoginUnixMilliseconds
            c.card_count = message.cardCount
            c.totp_enrolled = message.totpEnrolled ? 1 : 0
        }
    )
}
