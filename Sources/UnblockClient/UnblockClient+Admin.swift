// One method per call of unblock.v1.Admin.
import UnblockWire

extension UnblockClient {
    /// One user, with the state of their logins (help desk and administrators).
    public func getUser(username: String) async throws -> UserDetails {
        try await call(Admin.GetUser.self, GetUserRequest(username: username)).user
    }

    /// Lifts a user's lockout and clears their failed logins (help desk and administrators).
    public func unlockUser(username: String) async throws -> UnlockUserResponse {
        try await call(Admin.UnlockUser.self, UnlockUserRequest(username: username))
    }
}
