// The users: GetUser and UnlockUser.
import UnblockCore
import UnblockWire

extension AdminProvider {
    func getUser(_ request: GetUserRequest, _ caller: Caller, _ directory: any DirectoryView, _ context: CallContext)
        throws -> GetUserResponse
    {
        try caller.require(.readDirectory)
        let account = try directory.existingUser(named: request.username)
        return GetUserResponse(user: details(account, in: directory, now: .now))
    }

    /// Lifts a lockout and clears the failed logins; idempotent, audited either way.
    func unlockUser(_ request: UnlockUserRequest, _ caller: Caller, _ context: CallContext) async throws
        -> UserChangeResponse
    {
        try caller.require(.unlockUser)
        try context.checkDeadline()
        let (policy, now) = (configuration.loginPolicy, Timestamp.now)
        return try await store.commit { [self] directory in
            let account = try directory.existingUser(named: request.username)
            let changed = policy.hasFailures(account)
            let unlocked = policy.unlocked(account)
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "unlock-user", target: account.username,
                outcome: changed ? "success" : "unchanged",
                detail: "failedLogins=\(account.failedLogins) locked=\(policy.isLocked(account, now: now)) "
                    + "\(context.origin)")
            let mutations: [Mutation] = changed ? [.account(unlocked), .audit(event)] : [.audit(event)]
            return (mutations, UserChangeResponse(changed: changed, user: details(unlocked, in: directory, now: now)))
        }
    }
}
