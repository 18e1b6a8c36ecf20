// Logins checked against the organisation's directory (LDAP, Active Directory), beside or instead of local passwords.
import Logging
import UnblockCore
import UnblockCrypto
import UnblockLDAP
import UnblockWire

/// The directory's verifier: local accounts with a password keep it (unless the directory
/// alone decides), everyone else's password goes to the directory, on the crypto pool's
/// password lane (libldap blocks its thread on the network).
struct DirectoryLoginVerifier: CredentialVerifier {
    let local: LocalPasswordVerifier
    let directory: LDAPDirectory
    let pool: CryptoPool
    /// Local passwords first (accounts that have one), then the directory; or the directory alone.
    let localFirst: Bool
    let logger: Logger

    func verify(
        _ secret: String, username: String, account: Account?, knownHere: Bool, deadline: ContinuousClock.Instant
    ) async throws -> CredentialCheck {
        if let account, localFirst, !account.passwordHash.isEmpty {
            return try await local.verify(
                secret, username: username, account: account, knownHere: knownHere, deadline: deadline)
        }
        // Locked or inactive here: no bind (it could count toward the directory's own lockout).
        if account == nil && knownHere {
            return try await local.verify(secret, username: username, account: nil, knownHere: true, deadline: deadline)
        }
        let directory = directory
        let result = try await pool.run(on: .password, deadline: deadline) { _ in
            Result { () throws(LDAPLoginError) in try directory.authenticate(username: username, password: secret) }
        }
        switch result {
        case .success(let user):
            // Card holders are everyone, unless a group is named for the role: then its members.
            let selfServiceByGroup = directory.settings.roleGroups.contains { $0.role == "selfservice" }
            var roles: Roles = selfServiceByGroup && !user.roles.contains("selfservice") ? [] : [.selfService]
            if user.roles.contains("helpdesk") { roles.insert(.helpdesk) }
            if user.roles.contains("admin") { roles.insert(.admin) }
            return .vouched(DirectoryUser(displayName: user.displayName, roles: roles, isDisabled: user.isDisabled))
        case .failure(.invalidCredentials):
            return .rejected
        case .failure(.unavailable(let reason)):
            logger.warning("the directory did not answer a login", metadata: ["reason": "\(reason)"])
            throw DirectoryUnavailable()
        }
    }
}

/// The directory did not answer: the login is UNAVAILABLE, neither a wrong password nor a failure counted.
struct DirectoryUnavailable: Error, RPCErrorConvertible {
    var rpcError: RPCError { RPCError(.unavailable, "the login service is unavailable; try again in a moment") }
}
