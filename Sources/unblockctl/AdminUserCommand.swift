// `unblockctl admin user`: the help desk's view of a user, and lifting a lockout.
import ArgumentParser
import Foundation
import UnblockWire

struct AdminUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Users: show one, or lift a lockout (help desk or administrator).",
        subcommands: [ShowUserCommand.self, UnlockUserCommand.self])
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
            "cardCount": cardCount,
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
        ]
        Swift.print("\(user.username) (\(user.displayName))")
        for (label, value) in rows {
            Swift.print("  " + label.padding(toLength: 15, withPad: " ", startingAt: 0) + value)
        }
    }

}
