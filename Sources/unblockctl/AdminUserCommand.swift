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
        let server = try connection.server()
        let client = connection.client(server, session: try connection.session(for: server))
        let user = try await connection.run(server, .administration) { try await client.getUser(username: username) }
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
        let server = try connection.server()
        let client = connection.client(server, session: try connection.session(for: server))
        let result = try await connection.run(server, .administration) {
            try await client.unlockUser(username: username)
        }
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
            "lockedUntil": Self.iso(lockedUntilUnixMilliseconds) ?? NSNull(),
            "failedLogins": failedLogins, "lastLogin": Self.iso(lastLoginUnixMilliseconds) ?? NSNull(),
            "cardCount": cardCount,
        ]
    }

    func print(json: Bool) {
        if json { return printJSON(jsonObject) }
        let rows = [
            ("roles", user.roles.map(\.name).joined(separator: ", ")),
            ("state", user.state == .active ? "active" : "inactive (cannot log in)"),
            ("locked", Self.date(lockedUntilUnixMilliseconds).map { "until \(Wording.dateTime($0))" } ?? "no"),
            ("failed logins", "\(failedLogins)"),
            ("last login", Self.date(lastLoginUnixMilliseconds).map { Wording.dateTime($0) } ?? "never"),
            ("cards", "\(cardCount)"),
        ]
        Swift.print("\(user.username) (\(user.displayName))")
        for (label, value) in rows {
            Swift.print("  " + label.padding(toLength: 15, withPad: " ", startingAt: 0) + value)
        }
    }

    private static func date(_ milliseconds: UInt64) -> Date? {
        milliseconds == 0 ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }

    private static func iso(_ milliseconds: UInt64) -> String? {
        date(milliseconds).map { $0.formatted(.iso8601) }
    }
}

extension Role {
    /// The role as the directory file and the CLI name it.
    var name: String {
        switch self {
        case .selfService: "selfservice"
        case .helpdesk: "helpdesk"
        case .admin: "admin"
        case .unspecified: "unspecified"
        }
    }
}
