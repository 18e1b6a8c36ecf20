// The service unblock.v1.Admin: administration while the server runs, each call allowed by the caller's roles.
import UnblockCore
import UnblockCrypto
import UnblockWire

/// The implementation of service `unblock.v1.Admin`: use cases over the store, each checked
/// against the role table (`AdminRules`) first, each change one commit with its audit event.
final class AdminProvider: Sendable {
    let store: any DirectoryStore
    /// Ends a user's sessions when their password changes or they are deactivated.
    let sessions: any SessionTable
    /// Hashes the passwords administrators set, seals and checks the keys they give.
    let pool: CryptoPool
    /// Seals and derives admin keys.
    let masterKeys: MasterKeys
    let configuration: ServerConfiguration
    /// Set at graceful shutdown: a follower of the audit trail stops waiting.
    let shuttingDown: @Sendable () -> Bool

    init(
        store: any DirectoryStore, sessions: any SessionTable, pool: CryptoPool, masterKeys: MasterKeys,
        configuration: ServerConfiguration, shuttingDown: @escaping @Sendable () -> Bool
    ) {
        self.shuttingDown = shuttingDown
        self.store = store
        self.sessions = sessions
        self.pool = pool
        self.masterKeys = masterKeys
        self.configuration = configuration
    }

    /// The service's methods, each registered once with how it runs.
    func registerMethods(with table: inout MethodTable) {
        table.register(Admin.GetUser.self, reading: getUser)
        table.register(Admin.UnlockUser.self, authenticatedOnTask: unlockUser)
        table.register(Admin.ListUsers.self, reading: listUsers)
        table.register(Admin.CreateUser.self, authenticatedOnTask: createUser)
        table.register(Admin.UpdateUser.self, authenticatedOnTask: updateUser)
        table.register(Admin.SetPassword.self, authenticatedOnTask: setPassword)
        table.register(Admin.GetCard.self, reading: getCard)
        table.register(Admin.SetCardState.self, authenticatedOnTask: setCardState)
        table.register(Admin.ResetResponseLimit.self, authenticatedOnTask: resetResponseLimit)
        table.register(Admin.TransferCard.self, authenticatedOnTask: transferCard)
        table.register(Admin.RegisterCard.self, authenticatedOnTask: registerCard)
        table.register(Admin.RotateCardKey.self, authenticatedOnTask: rotateCardKey)
        table.register(Admin.CreateProfile.self, authenticatedOnTask: createProfile)
        table.register(Admin.ListProfiles.self, reading: listProfiles)
        table.register(Admin.ListAuditEvents.self, authenticatedOnTask: listAuditEvents)
        table.register(Admin.ImportDirectory.self, authenticatedOnTask: importDirectory)
        table.register(Admin.EnrollTOTP.self, authenticatedOnTask: enrollTOTP)
        table.register(Admin.RemoveTOTP.self, authenticatedOnTask: removeTOTP)
        table.register(Admin.Backup.self, authenticatedOnTask: backup)
    }

    // MARK: Shared steps

    /// What the help desk sees of `account`.
    func details(_ account: Account, in directory: any DirectoryView, now: Timestamp) -> UserDetails {
        let locked = configuration.loginPolicy.isLocked(account, now: now)
        return UserDetails(
            user: User(account),
            lockedUntilUnixMilliseconds: locked ? UInt64(account.lockedUntil!.milliseconds) : 0,
            failedLogins: account.failedLogins,
            lastLoginUnixMilliseconds: account.lastLoginAt.map { UInt64($0.milliseconds) } ?? 0,
            cardCount: UInt32(clamping: directory.cardCount(ownedBy: account.id)),
            totpEnrolled: account.totpSecret != nil)
    }
}
