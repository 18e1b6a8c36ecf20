// One method per call of unblock.v1.Admin.
import UnblockWire

extension UnblockClient {
    /// One user, with the state of their logins (help desk and administrators).
    public func getUser(username: String) async throws -> UserDetails {
        try await call(Admin.GetUser.self, GetUserRequest(username: username)).user
    }

    /// Lifts a user's lockout and clears their failed logins (help desk and administrators).
    public func unlockUser(username: String) async throws -> UserChangeResponse {
        try await call(Admin.UnlockUser.self, UnlockUserRequest(username: username))
    }

    /// Gives a user a new TOTP secret; the answer's `otpauth://` URI is the only copy of it (administrators).
    public func enrollTOTP(username: String) async throws -> EnrollTOTPResponse {
        try await call(Admin.EnrollTOTP.self, EnrollTOTPRequest(username: username))
    }

    /// Takes a user's TOTP secret away (administrators).
    public func removeTOTP(username: String) async throws -> UserChangeResponse {
        try await call(Admin.RemoveTOTP.self, RemoveTOTPRequest(username: username))
    }

    /// A backup of the server's data into `directory` on the server's host (administrators);
    /// returns once it is complete. Backups of a large directory take a while: give a timeout.
    public func backup(to directory: String, includeMasterKey: Bool = false, timeout: Duration? = nil) async throws
        -> BackupResponse
    {
        try await call(
            Admin.Backup.self, BackupRequest(directory: directory, includeMasterKey: includeMasterKey), timeout: timeout
        )
    }
}

extension UnblockClient {
    /// One card, with its recent responses and its response limit (help desk and administrators).
    public func getCard(serial: String) async throws -> CardDetails {
        try await call(Admin.GetCard.self, GetCardRequest(serial: serial)).card
    }

    /// Suspends a card (help desk), or makes it active or revoked (administrators).
    public func setCardState(serial: String, state: CardState) async throws -> CardChangeResponse {
        try await call(Admin.SetCardState.self, SetCardStateRequest(serial: serial, state: state))
    }

    /// Lets a card have its full number of responses again (help desk and administrators).
    public func resetResponseLimit(serial: String) async throws -> CardChangeResponse {
        try await call(Admin.ResetResponseLimit.self, ResetResponseLimitRequest(serial: serial))
    }

    /// Gives a card to another user (administrators).
    public func transferCard(serial: String, owner: String) async throws -> CardChangeResponse {
        try await call(Admin.TransferCard.self, TransferCardRequest(serial: serial, owner: owner))
    }
}

extension UnblockClient {
    /// One page of users whose name starts with `prefix` (help desk and administrators).
    public func listUsers(prefix: String = "", pageSize: UInt32 = 0, pageToken: String = "") async throws
        -> ListUsersResponse
    {
        try await call(
            Admin.ListUsers.self, ListUsersRequest(prefix: prefix, pageSize: pageSize, pageToken: pageToken))
    }

    /// Every user whose name starts with `prefix`, fetched a page at a time.
    public func allUsers(prefix: String = "") async throws -> [UserDetails] {
        var users: [UserDetails] = []
        var token = ""
        repeat {
            let page = try await listUsers(prefix: prefix, pageToken: token)
            users += page.users
            token = page.nextPageToken
        } while !token.isEmpty
        return users
    }

    /// A new user (administrators). The password travels only over the Unix socket or loopback.
    public func createUser(_ request: CreateUserRequest) async throws -> UserChangeResponse {
        try await call(Admin.CreateUser.self, request)
    }

    /// Changes a user's display name, state or roles (administrators).
    public func updateUser(_ request: UpdateUserRequest) async throws -> UserChangeResponse {
        try await call(Admin.UpdateUser.self, request)
    }

    /// Sets a user's password and ends their sessions (administrators).
    public func setPassword(username: String, secret: PasswordSecret) async throws -> UserChangeResponse {
        try await call(Admin.SetPassword.self, SetPasswordRequest(username: username, secret: secret))
    }
}

extension UnblockClient {
    /// A new card profile, with no process enabled (administrators).
    public func createProfile(name: String) async throws -> ProfileDetails {
        try await call(Admin.CreateProfile.self, CreateProfileRequest(name: name)).profile
    }

    /// Every card profile, in order of name (help desk and administrators).
    public func listProfiles() async throws -> [ProfileDetails] {
        try await call(Admin.ListProfiles.self, ListProfilesRequest()).profiles
    }
}

extension UnblockClient {
    /// A card issued to a user, with its admin key (administrators). Key bytes travel only
    /// over the Unix socket or loopback.
    public func registerCard(_ request: RegisterCardRequest) async throws -> CardChangeResponse {
        try await call(Admin.RegisterCard.self, request)
    }

    /// A new admin key for a card; its version goes up (administrators).
    public func rotateCardKey(serial: String, key: NewAdminKey) async throws -> CardChangeResponse {
        try await call(Admin.RotateCardKey.self, RotateCardKeyRequest(serial: serial, key: key))
    }
}

extension UnblockClient {
    /// Audit events by filter, a page at a time, or those after a sequence, waiting for them
    /// (help desk and administrators). A wait needs a timeout longer than itself.
    public func listAuditEvents(_ request: ListAuditEventsRequest, timeout: Duration? = nil) async throws
        -> ListAuditEventsResponse
    {
        try await call(Admin.ListAuditEvents.self, request, timeout: timeout)
    }
}

extension UnblockClient {
    /// Applies a directory file on the running server, all or nothing (administrators).
    public func importDirectory(_ content: [UInt8], existing: ExistingEntries = .fail) async throws
        -> ImportDirectoryResponse
    {
        try await call(
            Admin.ImportDirectory.self, ImportDirectoryRequest(content: content, existing: existing),
            timeout: .seconds(600))
    }
}
