// `unblockctl admin user`: the help desk's view of a user, and lifting a lockout.
import ArgumentParser
import Foundation
import UnblockWire

struct AdminUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Users: list and show them, lift a lockout (help desk); add and change them (administrators).",
        subcommands: [
            ListUsersCommand.self, ShowUserCommand.self, UnlockUserCommand.self, AddUserCommand.self,
            SetUserCommand.self, SetPasswordCommand.self, TOTPCommand.self,
        ])
}

struct ListUsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List users (every page), in order of username.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Only usernames that start with this.")
    var prefix: String = ""

    func run() async throws {
        let users = try await connection.withAdminClient { try await $0.allUsers(prefix: prefix) }
        if connection.json { return printJSON(["users": users.map(\.jsonObject)]) }
        guard !users.isEmpty else { return print("No users.") }
        print(
            Table.render(
                header: ["USERNAME", "NAME", "ROLES", "STATE", "CARDS", "LOCKED"],
                rows: users.map { details in
                    [
                        details.user.username, details.user.displayName,
                        details.user.roles.map(\.name).joined(separator: ","),
                        details.user.state == .active ? "active" : "inactive", "\(details.cardCount)",
                        details.lockedUntilUnixMilliseconds == 0 ? "-" : "locked",
                    ]
                }))
    }
}

/// Roles and state as typed on the command line.
struct UserAttributeOptions: ParsableArguments {
    @Option(name: .customLong("role"), help: "selfservice, helpdesk or admin; repeat for several.")
    var roles: [String] = []

    func validatedRoles() throws -> [Role] {
        try roles.map { name in
            guard let role = Role.allCases.first(where: { $0.name == name && $0 != .unspecified }) else {
                throw ValidationError("--role takes selfservice, helpdesk or admin")
            }
            return role
        }
    }
}

struct AddUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user (administrators). The password is asked twice without echo.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The new user's login name.")
    var username: String

    @Option(help: "The name to show; the username when omitted.")
    var displayName: String?

    @OptionGroup var attributes: UserAttributeOptions

    @Flag(help: "Create the user inactive (cannot log in until made active).")
    var inactive = false

    @Flag(help: "Read the password from standard input (for scripts) instead of asking.")
    var passwordStdin = false

    func validate() throws { _ = try attributes.validatedRoles() }

    func run() async throws {
        let password = try connection.newPassword(fromStandardInput: passwordStdin, for: username)
        let request = CreateUserRequest(
            username: username, displayName: displayName ?? "", roles: try attributes.validatedRoles(),
            state: inactive ? .inactive : .active, secret: .password(password))
        let result = try await connection.withAdminClient { try await $0.createUser(request) }
        if connection.json { return printJSON(["changed": true, "user": result.user.jsonObject]) }
        print("\(username) is added (\(result.user.user.roles.map(\.name).joined(separator: ", "))).")
    }
}

struct SetUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a user's display name, state or roles (administrators).",
        discussion: "Only what is given changes; --role replaces every role the user had.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The user's login name.")
    var username: String

    @Option(help: "The name to show.")
    var displayName: String?

    @Option(help: "active, or inactive (cannot log in; their sessions end).")
    var state: String?

    @OptionGroup var attributes: UserAttributeOptions

    func validate() throws {
        _ = try attributes.validatedRoles()
        if let state, !["active", "inactive"].contains(state) {
            throw ValidationError("--state takes active or inactive")
        }
        if displayName == nil && state == nil && attributes.roles.isEmpty {
            throw ValidationError("give what to change: --display-name, --state or --role")
        }
    }

    func run() async throws {
        let request = UpdateUserRequest(
            username: username, displayName: displayName,
            state: state.map { $0 == "active" ? UserState.active : .inactive } ?? .unspecified,
            roles: attributes.roles.isEmpty ? nil : try attributes.validatedRoles())
        let result = try await connection.withAdminClient { try await $0.updateUser(request) }
        if connection.json { return printJSON(["changed": result.changed, "user": result.user.jsonObject]) }
        print(result.changed ? "\(username) is changed." : "\(username) already was so; nothing changed.")
    }
}

struct SetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Set a user's password (administrators); every session of that user ends.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The user's login name.")
    var username: String

    @Flag(help: "Read the password from standard input (for scripts) instead of asking.")
    var passwordStdin = false

    func run() async throws {
        let password = try connection.newPassword(fromStandardInput: passwordStdin, for: username)
        let result = try await connection.withAdminClient {
            try await $0.setPassword(username: username, secret: .password(password))
        }
        if connection.json { return printJSON(["changed": true, "user": result.user.jsonObject]) }
        print("\(username) has a new password; their sessions have ended.")
    }
}

struct ShowUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a user: roles, state, lockout, failed logins, last login, cards.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The user's login name.")
    var username: String

    func run() async throws {
        let user = try await connection.withAdminClient { try await $0.getUser(username: username) }
        user.print(json: connection.json)
    }
}

struct UnlockUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock", abstract: "Lift a user's lockout and clear their failed logins.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The user's login name.")
    var username: String

    func run() async throws {
        let result = try await connection.withAdminClient { try await $0.unlockUser(username: username) }
        if connection.json {
            printJSON(["changed": result.changed, "user": result.user.jsonObject])
        } else {
            print(
                result.changed
                    ? "\(username) is unlocked: they can log in again."
                    : "\(username) was not locked and had no failed logins; nothing changed.")
        }
    }
}

extension UserDetails {
    /// The user for scripts: times in ISO 8601 (UTC), null when there is none.
    var jsonObject: [String: Any] {
        [
            "username": user.username, "displayName": user.displayName, "roles": user.roles.map(\.name),
            "state": user.state == .active ? "active" : "inactive",
            "lockedUntil": Wording.iso(milliseconds: lockedUntilUnixMilliseconds) ?? NSNull(),
            "failedLogins": failedLogins, "lastLogin": Wording.iso(milliseconds: lastLoginUnixMilliseconds) ?? NSNull(),
            "cardCount": cardCount, "totpEnrolled": totpEnrolled,
        ]
    }

    func print(json: Bool) {
        if json { return printJSON(jsonObject) }
        let rows = [
            ("roles", user.roles.map(\.name).joined(separator: ", ")),
            ("state", user.state == .active ? "active" : "inactive (cannot log in)"),
            (
                "locked",
                Wording.date(milliseconds: lockedUntilUnixMilliseconds).map { "until \(Wording.dateTime($0))" } ?? "no"
            ),
            ("failed logins", "\(failedLogins)"),
            (
                "last login",
                Wording.date(milliseconds: lastLoginUnixMilliseconds).map { Wording.dateTime($0) } ?? "never"
            ),
            ("cards", "\(cardCount)"),
            ("second factor", totpEnrolled ? "TOTP enrolled" : "none"),
        ]
        Swift.print("\(user.username) (\(user.displayName))")
        for (label, value) in rows {
            Swift.print("  " + label.padding(toLength: 15, withPad: " ", startingAt: 0) + value)
        }
    }

}
