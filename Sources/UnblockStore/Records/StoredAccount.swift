// An account as stored on disk (unblock.store.v1.Account).
import CUnblockProtos
import UnblockCore
import UnblockProtobufBridge

/// Role numbers on disk, as in the public contract's `Role` enum.
private let roleNumbers: [(Roles, UInt32)] = [(.selfService, 1), (.admin, 2), (.helpdesk, 3)]

struct StoredAccount: WireMessage {
    var value: Account

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__account__init,
        unpack: unblock__store__v1__account__unpack,
        free: unblock__store__v1__account__free_unpacked,
        read: { c throws(WireError) in
            var roles: Roles = []
            for index in 0..<c.n_roles {
                guard let role = roleNumbers.first(where: { $0.1 == c.roles[index] }) else {
                    throw WireError(
                        code: .unknownEnumValue, message: "Account.roles has unknown value \(c.roles[index])")
                }
                roles.insert(role.0)
            }
            return Self(
                value: Account(
                    id: AccountID(try StoredRange.identifier(c.id, field: "Account.id")),
                    username: try CReader.string(c.username, field: "Account.username"),
                    displayName: try CReader.string(c.display_name, field: "Account.display_name"),
                    state: try CReader.enumeration(c.state, field: "Account.state"),
                    roles: roles,
                    passwordHash: try CReader.string(c.password_hash, field: "Account.password_hash"),
                    failedLogins: try StoredRange.counter(c.failed_logins, field: "Account.failed_logins"),
                    lockedUntil: c.locked_until_ms == 0
                        ? nil : try StoredRange.timestamp(c.locked_until_ms, field: "Account.locked_until_ms"),
                    lockouts: try StoredRange.counter(c.lockouts, field: "Account.lockouts"),
                    lastLoginAt: c.last_login_ms == 0
                        ? nil : try StoredRange.timestamp(c.last_login_ms, field: "Account.last_login_ms"),
                    totpSecret: c.totp_secret.len == 0
                        ? nil : try CReader.bytes(c.totp_secret, field: "Account.totp_secret", limit: 256),
                    totpLastStep: c.totp_last_step,
                    totpPending: c.totp_pending.len == 0
                        ? nil : try CReader.bytes(c.totp_pending, field: "Account.totp_pending", limit: 256)
                )
            )
        },
        write: { message, c, arena in
            let account = message.value
            c.id = account.id.rawValue
            c.username = arena.string(account.username)
            c.display_name = arena.string(account.displayName)
            c.state = account.state.rawValue
            let roles = roleNumbers.filter { account.roles.contains($0.0) }.map(\.1)
            c.n_roles = roles.count
            c.roles = arena.array(roles)
            c.password_hash = arena.string(account.passwordHash)
            c.failed_logins = account.failedLogins
            c.locked_until_ms = account.lockedUntil?.milliseconds ?? 0
            c.lockouts = account.lockouts
            c.last_login_ms = account.lastLoginAt?.milliseconds ?? 0
            if let secret = account.totpSecret { c.totp_secret = arena.bytes(secret) }
            c.totp_last_step = account.totpLastStep
            if let pending = account.totpPending { c.totp_pending = arena.bytes(pending) }
        }
    )
}
