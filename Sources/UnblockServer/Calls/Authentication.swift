// Authenticate and Logout: passwords checked on the crypto pool, failures counted and locked out.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension SelfServiceHandler {
    func authenticate(_ request: AuthenticateRequest, _ context: CallContext) async throws -> AuthenticateResponse {
        let account = store.read { $0.account(username: request.username) }
        // Always verify a hash: unknown, inactive and locked accounts cost what a wrong password costs.
        // Past the call's deadline the wait ends, and a check not yet started never runs.
        let matches = try await pool.verifyPassword(
            request.password, against: account?.passwordHash ?? decoyPasswordHash, deadline: context.deadline)
        let now = Timestamp.now
        let policy = configuration.loginPolicy
        let refusal: String? =
            if let account {
                !account.isActive
                    ? "inactive account"
                    : policy.isLocked(account, now: now)
                        ? "account locked"
                        : matches ? nil : "wrong password"
            } else {
                "unknown user"
            }
        let name = String(request.username.prefix(64))
        if let refusal {
            // The caller learns only "invalid username or password"; the audit keeps the reason.
            try await store.commit { directory in
                var mutations: [Mutation] = [
                    .audit(
                        AuditEvent(
                            at: now, actor: name, action: "authenticate", target: name,
                            outcome: "refused: \(refusal)"))
                ]
                if refusal == "wrong password", let current = account.flatMap({ directory.account(id: $0.id) }) {
                    mutations.insert(.account(policy.afterFailure(current, now: now)), at: 0)
                }
                return (mutations, ())
            }
            throw RPCError.invalidCredentials
        }
        guard let account else { throw RPCError.invalidCredentials }
        try await store.commit { directory in
            var mutations: [Mutation] = [
                .audit(AuditEvent(at: now, actor: name, action: "authenticate", target: name, outcome: "success"))
            ]
            if let current = directory.account(id: account.id), current.failedLogins > 0 || current.lockouts > 0 {
                mutations.insert(.account(policy.afterSuccess(current)), at: 0)
            }
            return (mutations, ())
        }
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
