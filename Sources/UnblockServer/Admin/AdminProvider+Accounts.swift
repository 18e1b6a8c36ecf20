// Users created and changed: ListUsers, CreateUser, UpdateUser and SetPassword.
import Foundation
import UnblockCore
import UnblockCrypto
import UnblockWire

extension AdminProvider {
    /// Users in order of username, a page at a time: each user once however the pages fall,
    /// since a page starts after the last username of the one before.
    func listUsers(
        _ request: ListUsersRequest, _ caller: Caller, _ directory: any DirectoryView, _ context: CallContext
    )
        throws -> ListUsersResponse
    {
        try caller.require(.readDirectory)
        guard request.pageSize <= 1_000 else { throw RPCError(.invalidArgument, "page_size is at most 1000") }
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        let after = try PageToken.key("u1", in: request.pageToken) ?? ""
        // One more than asked tells whether another page follows.
        let found = directory.accounts(prefix: request.prefix, after: after, limit: size + 1)
        let page = found.prefix(size)
        let now = Timestamp.now
        return ListUsersResponse(
            users: page.map { details($0, in: directory, now: now) },
            nextPageToken: found.count > size ? PageToken.make("u1", after: page.last!.username) : "")
    }

    func createUser(_ request: CreateUserRequest, _ caller: Caller, _ context: CallContext) async throws
        -> UserChangeResponse
    {
        try caller.require(.administer)
        try context.requireConfidentialConnection()
        guard Account.isValidUsername(request.username) else {
            throw RPCError(.invalidArgument, "username \"\(request.username.prefix(64))\": \(Account.usernameRule)")
        }
        let roles = try Self.roles(request.roles.isEmpty ? [.selfService] : request.roles)
        let state = try Self.state(request.state) ?? .active
        let displayName = try Self.displayName(request.displayName.isEmpty ? request.username : request.displayName)
        let hash = try await passwordHash(request.secret)
        try context.checkDeadline()
        let now = Timestamp.now
        return try await store.commit { [self] directory in
            guard directory.account(username: request.username) == nil else {
                throw RPCError(.alreadyExists, "a user named \"\(request.username)\" already exists")
            }
            let account = Account(
                id: directory.newAccountID(), username: request.username, displayName: displayName, state: state,
                roles: roles, passwordHash: hash)
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "create-user", target: account.username,
                outcome: "success", detail: "roles=\(Self.names(roles)) state=\(state) \(context.origin)")
            return (
                [.account(account), .audit(event)],
                UserChangeResponse(changed: true, user: details(account, in: directory, now: now))
            )
        }
    }

    /// Changes what the request sets. Administrators cannot take their own admin role away
    /// or deactivate themselves: another administrator must, so that one always remains.
    func updateUser(_ request: UpdateUserRequest, _ caller: Caller, _ context: CallContext) async throws
        -> UserChangeResponse
    {
        try caller.require(.administer)
        let roles = try request.roles.map(Self.roles)
        let state = try Self.state(request.state)
        let displayName = try request.displayName.map(Self.displayName)
        try context.checkDeadline()
        let now = Timestamp.now
        let response = try await store.commit { [self] directory in
            let account = try directory.existingUser(named: request.username)
            var updated = account
            if let displayName { updated.displayName = displayName }
            if let state { updated.state = state }
            if let roles { updated.roles = roles }
            if account.id == caller.account.id && (!updated.isActive || !updated.roles.contains(.admin)) {
                throw RPCError(
                    .failedPrecondition,
                    "you cannot deactivate yourself or take away your own admin role; ask another administrator")
            }
            let changed = updated != account
            var changes: [String] = []
            if updated.displayName != account.displayName { changes.append("displayName") }
            if updated.state != account.state { changes.append("state=\(account.state)->\(updated.state)") }
            if updated.roles != account.roles {
                changes.append("roles=\(Self.names(account.roles))->\(Self.names(updated.roles))")
            }
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "update-user", target: account.username,
                outcome: changed ? "success" : "unchanged",
                detail: (changes.isEmpty ? "" : changes.joined(separator: " ") + " ") + "\(context.origin)")
            return (
                changed ? [.account(updated), .audit(event)] : [.audit(event)],
                (UserChangeResponse(changed: changed, user: details(updated, in: directory, now: now)), updated)
            )
        }
        // A deactivated user's sessions would end at their next call; end them now.
        if !response.1.isActive { await sessions.endSessions(of: response.1.id) }
        return response.0
    }

    /// Sets the password and ends every session of the user.
    func setPassword(_ request: SetPasswordRequest, _ caller: Caller, _ context: CallContext) async throws
        -> UserChangeResponse
    {
        try caller.require(.administer)
        try context.requireConfidentialConnection()
        let hash = try await passwordHash(request.secret)
        try context.checkDeadline()
        let now = Timestamp.now
        let (response, id) = try await store.commit { [self] directory in
            var account = try directory.existingUser(named: request.username)
            account.passwordHash = hash
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "set-password", target: account.username,
                outcome: "success", detail: "\(context.origin)")
            return (
                [.account(account), .audit(event)],
                (UserChangeResponse(changed: true, user: details(account, in: directory, now: now)), account.id)
            )
        }
        await sessions.endSessions(of: id)
        return response
    }

    // MARK: Checks of what an administrator sends

    /// The hash to store: a password hashed on the crypto pool, or a hash checked.
    private func passwordHash(_ secret: PasswordSecret?) async throws -> String {
        switch secret {
        case .password(let password)?:
            if let problem = PasswordRules.problem(with: password) {
                throw RPCError(.invalidArgument, "the password is \(problem)")
            }
            return try await pool.hashPassword(password)
        case .hash(let hash)?:
            guard let iterations = PasswordHasher.iterations(of: hash) else {
                throw RPCError(
                    .invalidArgument,
                    "password_hash is not of the form $pbkdf2-sha256$i=N$salt$hash; make one with unblockd hash-password"
                )
            }
            let required = pool.passwordHasher.iterations
            guard iterations >= required else {
                throw RPCError(
                    .invalidArgument,
                    "password_hash was made with \(iterations) iterations, fewer than the server's \(required); "
                        + "make it again with unblockd hash-password --iterations \(required)")
            }
            return hash
        case nil:
            throw RPCError(.invalidArgument, "give a password or a password_hash")
        }
    }

    private static func roles(_ roles: [Role]) throws -> Roles {
        try roles.reduce(into: Roles()) { result, role in
            switch role {
            case .selfService: result.insert(.selfService)
            case .helpdesk: result.insert(.helpdesk)
            case .admin: result.insert(.admin)
            case .unspecified:
                throw RPCError(.invalidArgument, "a role is ROLE_SELF_SERVICE, ROLE_HELPDESK or ROLE_ADMIN")
            }
        }
    }

    /// Nil for unspecified (unchanged, or the default).
    private static func state(_ state: UserState) throws -> Account.State? {
        switch state {
        case .unspecified: nil
        case .active: .active
        case .inactive: .inactive
        }
    }

    private static func displayName(_ name: String) throws -> String {
        guard (1...200).contains(name.count),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw RPCError(.invalidArgument, "a display name has 1 to 200 characters and no control characters")
        }
        return name
    }

    private static func names(_ roles: Roles) -> String {
        [(Roles.selfService, "selfservice"), (.helpdesk, "helpdesk"), (.admin, "admin")]
            .filter { roles.contains($0.0) }.map(\.1).joined(separator: ",")
    }
}
