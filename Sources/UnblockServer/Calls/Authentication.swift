// Authenticate and Logout: passwords checked on the crypto pool, failures counted and locked out.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension SelfServiceHandler {
    func authenticate(_ request: AuthenticateRequest, _ context: CallContext) async throws -> AuthenticateResponse {
        try await loginThrottle.withCheck(client: context.connection.client, username: request.username) {
            try await checkPassword(request, context)
        }
    }

    private func checkPassword(_ request: AuthenticateRequest, _ context: CallContext) async throws
        -> AuthenticateResponse
    {
        let policy = configuration.loginPolicy
        let account = store.read { $0.account(username: request.username) }
        // A place among the account's allowed failures, taken in a commit (which writes
        // nothing) so that it sees every outcome committed before it.
        let reservation: LoginAttempts.Reservation? =
            if let account {
                try await store.commit { directory in
                    let place = loginAttempts.reserve(account.id) { pending in
                        guard let current = directory.account(id: account.id) else { return false }
                        return current.isActive && !policy.isLocked(current, now: .now)
                            && Int(current.failedLogins) + pending < Int(policy.maxConsecutiveFailures)
                    }
                    return ([], place)
                }
            } else {
                nil
            }
        defer { reservation?.release() }
        let reserved = reservation != nil
        // Always verify a hash: unknown, inactive and locked accounts cost what a wrong password costs.
        // Past the call's deadline the wait ends, and a check not yet started never runs.
        let matches = try await pool.verifyPassword(
            request.password, against: reserved ? account!.passwordHash : decoyPasswordHash,
            deadline: context.deadline)
        // A hash made with other iterations than the server's is made again, now that the
        // password is known: over time every check costs the same.
        let rehashed =
            matches && reserved && pool.passwordHasher.needsRehash(account!.passwordHash)
            ? try await pool.hashPassword(request.password) : nil
        let now = Timestamp.now
        let name = String(request.username.prefix(64))
        let refusal: LoginRefusal? =
            if let account {
                !account.isActive
                    ? .inactiveAccount
                    : reserved
                        ? (matches ? nil : .wrongPassword)
                        : (policy.isLocked(account, now: now) ? .accountLocked : .failuresUnderWay)
            } else {
                .unknownUser
            }
        // The lock is checked again as the outcome is committed: a check that began before
        // a lockout does not log in after it.
        let outcome = try await store.commit { directory in
            // Given back in the commit that records the outcome: the next reservation sees both.
            reservation?.release()
            let current = account.flatMap { directory.account(id: $0.id) }
            var refusal = refusal
            if refusal == nil, let current, policy.isLocked(current, now: now) { refusal = .accountLocked }
            var mutations: [Mutation] = [
                .audit(
                    AuditEvent(
                        at: now, actor: name, action: AuditEvent.loginAction, target: name,
                        outcome: refusal.map { "refused: \($0.rawValue)" } ?? "success",
                        detail: "client=\(context.connection.client)"))
            ]
            if let current {
                switch refusal {
                case .wrongPassword?: mutations.insert(.account(policy.afterFailure(current, now: now)), at: 0)
                case nil where current.failedLogins > 0 || current.lockouts > 0 || rehashed != nil:
                    var updated = policy.afterSuccess(current)
                    if let rehashed { updated.passwordHash = rehashed }
                    mutations.insert(.account(updated), at: 0)
                default: break
                }
            }
            return (mutations, refusal)
        }
        // The caller learns only "invalid username or password"; the audit keeps the reason.
        guard outcome == nil, let account else { throw RPCError.invalidCredentials }
        let (token, session, evicted) = try sessions.create(for: account, now: now)
        if evicted > 0 {
            logger.warning(
                "the session table is full: the least recently used sessions were ended",
                metadata: ["ended": "\(evicted)", "maximum": "\(sessions.maximum)"])
        }
        return AuthenticateResponse(
            sessionToken: token, expiresAtUnixMilliseconds: UInt64(session.expiresAt.milliseconds),
            idleTimeoutSeconds: UInt32(sessions.idleTimeout.components.seconds), user: User(account)
        )
    }

    func logout(_ request: LogoutRequest, _ context: CallContext) throws -> LogoutResponse {
        // Validated like any call: an expired session, or a deactivated user's, is already over.
        _ = try authenticatedCaller(context)
        sessions.remove(token: context.sessionToken)
        return LogoutResponse()
    }
}

/// Why a login was refused, as the audit records it (the caller is told none of these).
enum LoginRefusal: String, Sendable {
    case unknownUser = "unknown user"
    case inactiveAccount = "inactive account"
    case accountLocked = "account locked"
    /// Not locked yet, but the checks under way could lock it: this one was not made.
    case failuresUnderWay = "as many checks under way as failures allowed"
    case wrongPassword = "wrong password"
}
