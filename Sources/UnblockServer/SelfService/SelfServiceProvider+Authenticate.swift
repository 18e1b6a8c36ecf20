// Authenticate and Logout: credentials checked by the login method's verifier, failures counted and locked out.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension SelfServiceProvider {
    func authenticate(_ request: AuthenticateRequest, _ context: CallContext) async throws -> AuthenticateResponse {
        try context.requireConfidentialConnection()
        return try await loginThrottle.withCheck(client: context.limitedClient, username: request.username) {
            try await logIn(request, context)
        }
    }

    private func logIn(_ request: AuthenticateRequest, _ context: CallContext) async throws
        -> AuthenticateResponse
    {
        let policy = configuration.loginPolicy
        let account = try await store.read { $0.account(username: request.username) }
        // A place among the account's allowed failures, taken in a commit (which writes
        // nothing) so that it sees every outcome committed before it.
        let reservation: LoginAttempts.Reservation? =
            if let account {
                try await store.commit { [self] directory in
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
        // Always checked: unknown, inactive and locked accounts cost what a wrong password costs.
        let check = try await verifier.verify(
            request.password, username: request.username, account: reserved ? account : nil,
            knownHere: account != nil, deadline: context.deadline)
        let (matches, rehashed, vouched): (Bool, String?, DirectoryUser?) =
            switch check {
            case .accepted(let updated): (true, updated, nil)
            case .vouched(let user): (true, nil, user)
            case .rejected: (false, nil, nil)
            }
        let now = Timestamp.now
        let name = String(request.username.prefix(64))
        let refusal: LoginRefusal? =
            if vouched?.isDisabled == true {
                .inactiveAccount
            } else if let account {
                !account.isActive
                    ? .inactiveAccount
                    : reserved
                        ? (matches ? nil : .wrongPassword)
                        : (policy.isLocked(account, now: now) ? .accountLocked : .failuresUnderWay)
            } else {
                // Unknown here: the directory may know the user, whose account is then made.
                vouched == nil || !Account.isValidUsername(request.username) ? .unknownUser : nil
            }
        // The lock is checked again as the outcome is committed: a check that began before
        // a lockout does not log in after it.
        let outcome = try await store.commit { [self] directory in
            // Given back in the commit that records the outcome: the next reservation sees both.
            reservation?.release()
            var current = account.flatMap { directory.account(id: $0.id) }
            var directoryChange: Mutation?
            if let vouched {
                let updated = Self.directoryAccount(
                    current ?? directory.account(username: request.username), vouched, username: request.username,
                    newID: directory.newAccountID())
                if updated != current || current == nil { directoryChange = .account(updated) }
                current = updated
            }
            var refusal = refusal
            if refusal == nil, let current, policy.isLocked(current, now: now) { refusal = .accountLocked }
            // Checked in the commit that records the outcome, so that one code logs in once.
            var checked = current
            if refusal == nil, let current {
                (checked, refusal) = secondFactor.check(request.oneTimeCode, for: current, now: now)
            }
            var mutations: [Mutation] = [
                .audit(
                    AuditEvent(
                        at: now, actor: name, action: AuditEvent.loginAction, target: name,
                        outcome: refusal == .noSecondFactor
                            ? "success: may only enrol a second factor"
                            : refusal.map { "refused: \($0.rawValue)" } ?? "success",
                        detail: "\(context.origin)"))
            ]
            if let directoryChange, refusal == nil || refusal == .inactiveAccount {
                mutations.insert(directoryChange, at: 0)
            }
            if let current {
                switch refusal {
                case let refusal? where refusal.isFailedGuess:
                    mutations.insert(.account(policy.afterFailure(current, now: now)), at: 0)
                case nil, .noSecondFactor?:
                    // The password was right: with no second factor yet, the session may only enrol one.
                    let checked = checked ?? current
                    // Written at every login: the help desk sees when the user last logged in.
                    var updated = policy.afterSuccess(checked, at: now)
                    if let rehashed { updated.passwordHash = rehashed }
                    mutations.insert(.account(updated), at: 0)
                default: break
                }
            }
            return (mutations, (refusal, current))
        }
        // The caller learns only "invalid username or password"; the audit keeps the reason.
        let enrollmentOnly = outcome.0 == .noSecondFactor
        guard outcome.0 == nil || enrollmentOnly, let account = outcome.1 else {
            throw secondFactor.policy.asksForCodes
                ? RPCError.invalidCredentialsOrCode : RPCError.invalidCredentials
        }
        let (token, session, evicted) = try await sessions.create(
            for: account, now: now, enrollmentOnly: enrollmentOnly)
        if evicted > 0 {
            logger.warning(
                "the session table is full: the least recently used sessions were ended",
                metadata: ["ended": "\(evicted)", "maximum": "\(sessions.maximum)"])
        }
        return AuthenticateResponse(
            sessionToken: token, expiresAtUnixMilliseconds: UInt64(session.expiresAt.milliseconds),
            idleTimeoutSeconds: UInt32(sessions.idleTimeout.components.seconds), user: User(account),
            secondFactorEnrollmentRequired: enrollmentOnly)
    }

    /// Ends the caller's session. Authenticated like any call: an expired session, or a
    /// deactivated user's, is already over.
    func logout(_ request: LogoutRequest, _ caller: Caller, _ context: CallContext) async throws -> LogoutResponse {
        await sessions.end(token: caller.sessionToken)
        return LogoutResponse()
    }
}

extension SelfServiceProvider {
    /// The account of a user the directory vouched for: made on the first login (no local
    /// password), its name, roles and state brought up to date on every other.
    static func directoryAccount(_ existing: Account?, _ user: DirectoryUser, username: String, newID: AccountID)
        -> Account
    {
        var account =
            existing ?? Account(id: newID, username: username, displayName: username, roles: [], passwordHash: "")
        account.displayName = String((user.displayName ?? account.displayName).prefix(200))
        account.roles = user.roles
        if user.isDisabled { account.state = .inactive }
        return account
    }
}
