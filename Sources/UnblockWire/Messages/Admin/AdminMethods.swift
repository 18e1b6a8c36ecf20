// The methods of unblock.v1.Admin: full names and their request and response types.

/// The methods of service `unblock.v1.Admin`; each needs a role that allows it (docs/PROTOCOL.md).
public enum Admin {
    /// One user, with the state of their logins (help desk and administrators).
    public enum GetUser: RPCMethod {
        public typealias Request = GetUserRequest
        public typealias Response = GetUserResponse
        public static let name = "/unblock.v1.Admin/GetUser"
    }

    /// Lift a user's lockout (help desk and administrators).
    public enum UnlockUser: RPCMethod {
        public typealias Request = UnlockUserRequest
        public typealias Response = UnlockUserResponse
        public static let name = "/unblock.v1.Admin/UnlockUser"
    }

    /// Every method name of the service.
    public static let methodNames: [String] = [GetUser.name, UnlockUser.name]
}
