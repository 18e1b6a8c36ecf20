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
        public typealias Response = UserChangeResponse
        public static let name = "/unblock.v1.Admin/UnlockUser"
    }

    /// Users by prefix, a page at a time (help desk and administrators).
    public enum ListUsers: RPCMethod {
        public typealias Request = ListUsersRequest
        public typealias Response = ListUsersResponse
        public static let name = "/unblock.v1.Admin/ListUsers"
    }

    /// A new user (administrators).
    public enum CreateUser: RPCMethod {
        public typealias Request = CreateUserRequest
        public typealias Response = UserChangeResponse
        public static let name = "/unblock.v1.Admin/CreateUser"
    }

    /// A user's display name, state or roles (administrators).
    public enum UpdateUser: RPCMethod {
        public typealias Request = UpdateUserRequest
        public typealias Response = UserChangeResponse
        public static let name = "/unblock.v1.Admin/UpdateUser"
    }

    /// A user's password; ends that user's sessions (administrators).
    public enum SetPassword: RPCMethod {
        public typealias Request = SetPasswordRequest
        public typealias Response = UserChangeResponse
        public static let name = "/unblock.v1.Admin/SetPassword"
    }

    /// One card, with its recent responses and its response limit (help desk and administrators).
    public enum GetCard: RPCMethod {
        public typealias Request = GetCardRequest
        public typealias Response = GetCardResponse
        public static let name = "/unblock.v1.Admin/GetCard"
    }

    /// Suspend a card (help desk), or make it active or revoked (administrators).
    public enum SetCardState: RPCMethod {
        public typealias Request = SetCardStateRequest
        public typealias Response = CardChangeResponse
        public static let name = "/unblock.v1.Admin/SetCardState"
    }

    /// Let a card have its full number of responses again (help desk and administrators).
    public enum ResetResponseLimit: RPCMethod {
        public typealias Request = ResetResponseLimitRequest
        public typealias Response = CardChangeResponse
        public static let name = "/unblock.v1.Admin/ResetResponseLimit"
    }

    /// Give a card to another user (administrators).
    public enum TransferCard: RPCMethod {
        public typealias Request = TransferCardRequest
        public typealias Response = CardChangeResponse
        public static let name = "/unblock.v1.Admin/TransferCard"
    }

    /// A card issued to a user, with its admin key (administrators).
    public enum RegisterCard: RPCMethod {
        public typealias Request = RegisterCardRequest
        public typealias Response = CardChangeResponse
        public static let name = "/unblock.v1.Admin/RegisterCard"
    }

    /// A new admin key for a card; its version goes up (administrators).
    public enum RotateCardKey: RPCMethod {
        public typealias Request = RotateCardKeyRequest
        public typealias Response = CardChangeResponse
        public static let name = "/unblock.v1.Admin/RotateCardKey"
    }

    /// A new card profile, with no process enabled (administrators).
    public enum CreateProfile: RPCMethod {
        public typealias Request = CreateProfileRequest
        public typealias Response = CreateProfileResponse
        public static let name = "/unblock.v1.Admin/CreateProfile"
    }

    /// Every card profile, with the processes it offers (help desk and administrators).
    public enum ListProfiles: RPCMethod {
        public typealias Request = ListProfilesRequest
        public typealias Response = ListProfilesResponse
        public static let name = "/unblock.v1.Admin/ListProfiles"
    }

    /// The audit trail by filter, a page at a time, or followed live (help desk and administrators).
    public enum ListAuditEvents: RPCMethod {
        public typealias Request = ListAuditEventsRequest
        public typealias Response = ListAuditEventsResponse
        public static let name = "/unblock.v1.Admin/ListAuditEvents"
    }

    /// A directory file applied on the running server, all or nothing (administrators).
    public enum ImportDirectory: RPCMethod {
        public typealias Request = ImportDirectoryRequest
        public typealias Response = ImportDirectoryResponse
        public static let name = "/unblock.v1.Admin/ImportDirectory"
    }

    /// A new TOTP secret for a user, as an `otpauth://` URI (administrators).
    public enum EnrollTOTP: RPCMethod {
        public typealias Request = EnrollTOTPRequest
        public typealias Response = EnrollTOTPResponse
        public static let name = "/unblock.v1.Admin/EnrollTOTP"
    }

    /// A user's TOTP secret taken away (administrators).
    public enum RemoveTOTP: RPCMethod {
        public typealias Request = RemoveTOTPRequest
        public typealias Response = UserChangeResponse
        public static let name = "/unblock.v1.Admin/RemoveTOTP"
    }

    /// Copy the data directory, consistent at one commit, into a directory on the server's host (administrators).
    public enum Backup: RPCMethod {
        public typealias Request = BackupRequest
        public typealias Response = BackupResponse
        public static let name = "/unblock.v1.Admin/Backup"
    }

    /// Every method name of the service.
    public static let methodNames: [String] = [
        GetUser.name, UnlockUser.name, ListUsers.name, CreateUser.name, UpdateUser.name, SetPassword.name, GetCard.name,
        SetCardState.name, ResetResponseLimit.name, TransferCard.name,
        RegisterCard.name, RotateCardKey.name, CreateProfile.name, ListProfiles.name, ListAuditEvents.name,
        ImportDirectory.name, EnrollTOTP.name, RemoveTOTP.name, Backup.name,
    ]
}
