// The requests of Admin.ListUsers, CreateUser, UpdateUser and SetPassword.
import CUnblockProtos
import UnblockProtobufBridge

/// A password as an administrator sets it: in clear (hashed by the server at once) or
/// already hashed (`unblockd hash-password`).
public enum PasswordSecret: Sendable, Equatable {
    case password(String)
    case hash(String)
}

public struct ListUsersRequest: WireMessage {
    /// Only usernames starting with this; empty: every user.
    public var prefix: String
    /// 1 to 1000; 0: 100.
    public var pageSize: UInt32
    /// Empty for the first page; then the previous answer's `nextPageToken`.
    public var pageToken: String

    public init(prefix: String = "", pageSize: UInt32 = 0, pageToken: String = "") {
        self.prefix = prefix
        self.pageSize = pageSize
        self.pageToken = pageToken
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_users_request__init,
        unpack: unblock__v1__list_users_request__unpack,
        free: unblock__v1__list_users_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                prefix: try CReader.string(c.prefix, field: "ListUsersRequest.prefix"), pageSize: c.page_size,
                pageToken: try CReader.string(c.page_token, field: "ListUsersRequest.page_token"))
        },
        write: { message, c, arena in
            c.prefix = arena.string(message.prefix)
            c.page_size = message.pageSize
            c.page_token = arena.string(message.pageToken)
        }
    )
}

public struct ListUsersResponse: WireMessage {
    public var users: [UserDetails]
    /// Empty on the last page.
    public var nextPageToken: String

    public init(users: [UserDetails], nextPageToken: String) {
        self.users = users
        self.nextPageToken = nextPageToken
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_users_response__init,
        unpack: unblock__v1__list_users_response__unpack,
        free: unblock__v1__list_users_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                users: try CReader.messages(c.n_users, c.users),
                nextPageToken: try CReader.string(c.next_page_token, field: "ListUsersResponse.next_page_token"))
        },
        write: { message, c, arena in
            c.n_users = message.users.count
            c.users = arena.messages(message.users, as: Unblock__V1__UserDetails.self)
            c.next_page_token = arena.string(message.nextPageToken)
        }
    )
}

public struct CreateUserRequest: WireMessage {
    public var username: String
    /// Empty: the username.
    public var displayName: String
    /// Empty: self-service.
    public var roles: [Role]
    /// Unspecified: active.
    public var state: UserState
    /// Nil: the server answers INVALID_ARGUMENT.
    public var secret: PasswordSecret?

    public init(
        username: String, displayName: String = "", roles: [Role] = [], state: UserState = .unspecified,
        secret: PasswordSecret?
    ) {
        self.username = username
        self.displayName = displayName
        self.roles = roles
        self.state = state
        self.secret = secret
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__create_user_request__init,
        unpack: unblock__v1__create_user_request__unpack,
        free: unblock__v1__create_user_request__free_unpacked,
        read: { c throws(WireError) in
            let secret: PasswordSecret? =
                switch c.secret_case {
                case UNBLOCK__V1__CREATE_USER_REQUEST__SECRET_PASSWORD:
                    .password(try CReader.string(c.password, field: "CreateUserRequest.password"))
                case UNBLOCK__V1__CREATE_USER_REQUEST__SECRET_PASSWORD_HASH:
                    .hash(try CReader.string(c.password_hash, field: "CreateUserRequest.password_hash"))
                default: nil
                }
            return Self(
                username: try CReader.string(c.username, field: "CreateUserRequest.username"),
                displayName: try CReader.string(c.display_name, field: "CreateUserRequest.display_name"),
                roles: try CReader.enumerations(c.n_roles, c.roles, field: "CreateUserRequest.roles"),
                state: try CReader.enumeration(c.state.rawValue, field: "CreateUserRequest.state"), secret: secret)
        },
        write: { message, c, arena in
            c.username = arena.string(message.username)
            c.display_name = arena.string(message.displayName)
            c.n_roles = message.roles.count
            c.roles = arena.enumerations(message.roles, as: Unblock__V1__Role.self)
            c.state = Unblock__V1__UserState(rawValue: message.state.rawValue)
            switch message.secret {
            case .password(let password)?:
                c.secret_case = UNBLOCK__V1__CREATE_USER_REQUEST__SECRET_PASSWORD
                c.password = arena.string(password)
            case .hash(let hash)?:
                c.secret_case = UNBLOCK__V1__CREATE_USER_REQUEST__SECRET_PASSWORD_HASH
                c.password_hash = arena.string(hash)
            case nil: break
            }
        }
    )
}

/// A user's roles, as a field that can be absent.
public struct RoleList: WireMessage {
    public var roles: [Role]

    public init(_ roles: [Role]) { self.roles = roles }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__role_list__init,
        unpack: unblock__v1__role_list__unpack,
        free: unblock__v1__role_list__free_unpacked,
        read: { c throws(WireError) in Self(try CReader.enumerations(c.n_roles, c.roles, field: "RoleList.roles")) },
        write: { message, c, arena in
            c.n_roles = message.roles.count
            c.roles = arena.enumerations(message.roles, as: Unblock__V1__Role.self)
        }
    )
}

/// Changes what is set, and only that.
public struct UpdateUserRequest: WireMessage {
    public var username: String
    public var displayName: String?
    /// Unspecified: unchanged.
    public var state: UserState
    /// Nil: unchanged.
    public var roles: [Role]?

    public init(username: String, displayName: String? = nil, state: UserState = .unspecified, roles: [Role]? = nil) {
        self.username = username
        self.displayName = displayName
        self.state = state
        self.roles = roles
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__update_user_request__init,
        unpack: unblock__v1__update_user_request__unpack,
        free: unblock__v1__update_user_request__free_unpacked,
        read: { c throws(WireError) in
            let roles: RoleList? = try CReader.message(c.roles)
            return Self(
                username: try CReader.string(c.username, field: "UpdateUserRequest.username"),
                displayName: c.display_name_change_case
                    == UNBLOCK__V1__UPDATE_USER_REQUEST__DISPLAY_NAME_CHANGE_DISPLAY_NAME
                    ? try CReader.string(c.display_name, field: "UpdateUserRequest.display_name") : nil,
                state: try CReader.enumeration(c.state.rawValue, field: "UpdateUserRequest.state"),
                roles: roles?.roles)
        },
        write: { message, c, arena in
            c.username = arena.string(message.username)
            if let displayName = message.displayName {
                c.display_name_change_case = UNBLOCK__V1__UPDATE_USER_REQUEST__DISPLAY_NAME_CHANGE_DISPLAY_NAME
                c.display_name = arena.string(displayName)
            }
            c.state = Unblock__V1__UserState(rawValue: message.state.rawValue)
            c.roles = message.roles.map { arena.message(RoleList($0), as: Unblock__V1__RoleList.self) }
        }
    )
}

/// Sets a user's password; every session of that user ends.
public struct SetPasswordRequest: WireMessage {
    public var username: String
    /// Nil: the server answers INVALID_ARGUMENT.
    public var secret: PasswordSecret?

    public init(username: String, secret: PasswordSecret?) {
        self.username = username
        self.secret = secret
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__set_password_request__init,
        unpack: unblock__v1__set_password_request__unpack,
        free: unblock__v1__set_password_request__free_unpacked,
        read: { c throws(WireError) in
            let secret: PasswordSecret? =
                switch c.secret_case {
                case UNBLOCK__V1__SET_PASSWORD_REQUEST__SECRET_PASSWORD:
                    .password(try CReader.string(c.password, field: "SetPasswordRequest.password"))
                case UNBLOCK__V1__SET_PASSWORD_REQUEST__SECRET_PASSWORD_HASH:
                    .hash(try CReader.string(c.password_hash, field: "SetPasswordRequest.password_hash"))
                default: nil
                }
            return Self(username: try CReader.string(c.username, field: "SetPasswordRequest.username"), secret: secret)
        },
        write: { message, c, arena in
            c.username = arena.string(message.username)
            switch message.secret {
            case .password(let password)?:
                c.secret_case = UNBLOCK__V1__SET_PASSWORD_REQUEST__SECRET_PASSWORD
                c.password = arena.string(password)
            case .hash(let hash)?:
                c.secret_case = UNBLOCK__V1__SET_PASSWORD_REQUEST__SECRET_PASSWORD_HASH
                c.password_hash = arena.string(hash)
            case nil: break
            }
        }
    )
}
