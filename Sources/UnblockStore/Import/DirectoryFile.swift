// The directory file's JSON, read into plain values with every problem noted by its JSON path.
import Foundation
import UnblockCore
import UnblockCrypto

/// A directory file as parsed, before it is checked against the store.
struct DirectoryFile {
    struct Profile {
        var path: String
        var name: String
        var enabled: [SmartCard.State: Set<SelfServiceProcess>]
    }

    struct User {
        var path: String
        var username: String
        var displayName: String
        var state: Account.State
        var roles: Roles
        enum Secret {
            case password(String)
            case hash(String)
        }
        /// Nil when the file's entry has a problem (reported); the user still counts as an owner.
        var secret: Secret?
    }

    struct Card {
        var path: String
        var serial: String
        var owner: String
        var profile: String
        var state: SmartCard.State
        enum Key {
            case bytes(AdminKeyAlgorithm, [UInt8])
            case derived(AdminKeyAlgorithm)

            var algorithm: AdminKeyAlgorithm {
                switch self {
                case .bytes(let algorithm, _), .derived(let algorithm): algorithm
                }
            }
        }
        /// Nil when the file's key has a problem (reported); owner and profile are still checked.
        var key: Key?
        var keyVersion: UInt32
    }

    var profiles: [Profile] = []
    var users: [User] = []
    var cards: [Card] = []
    /// The file says it holds demo data (`"demo": true`): only then are the demo passwords accepted.
    var isDemo = false
}

/// Reads JSON into a `DirectoryFile`, collecting problems instead of stopping at the first.
struct DirectoryFileParser {
    private(set) var problems: [ImportProblem] = []

    static let cardStates: [String: SmartCard.State] = [
        "active": .active, "suspended": .suspended, "revoked": .revoked, "retired": .retired,
    ]
    static let userStates: [String: Account.State] = ["active": .active, "inactive": .inactive]
    static let roles: [String: Roles] = ["selfservice": .selfService, "helpdesk": .helpdesk, "admin": .admin]

    mutating func parse(_ data: Data) -> DirectoryFile {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            problem("$", JSONSyntax.describe(error, in: data))
            return DirectoryFile()
        }
        guard let object = object(root, "$", allowed: ["comment", "demo", "profiles", "users", "cards"]) else {
            return DirectoryFile()
        }
        var file = DirectoryFile()
        if let demo = object["demo"] {
            if !(demo is String), let flag = demo as? Bool {
                file.isDemo = flag
            } else {
                problem("$.demo", "must be true or false")
            }
        }
        let profiles = entries(object["profiles"], "$.profiles")
        file.profiles = profiles.compactMap { profile($0.value, $0.path) }
        let users = entries(object["users"], "$.users")
        file.users = users.compactMap { user($0.value, $0.path, isDemo: file.isDemo) }
        let cards = entries(object["cards"], "$.cards")
        file.cards = cards.compactMap { card($0.value, $0.path) }
        return file
    }

    mutating func problem(_ path: String, _ message: String) {
        problems.append(ImportProblem(path: path, message: message))
    }

    // MARK: Entries

    private mutating func profile(_ value: Any, _ path: String) -> DirectoryFile.Profile? {
        guard let object = object(value, path, allowed: ["name", "enabledProcesses"]) else { return nil }
        let name = string(object["name"], "\(path).name", required: true)
        if let name, !CardProfile.isValidName(name) { problem("\(path).name", CardProfile.nameRule) }
        var enabled: [SmartCard.State: Set<SelfServiceProcess>] = [:]
        if let raw = object["enabledProcesses"] {
            if let byState = raw as? [String: Any] {
                for (stateName, processes) in byState.sorted(by: { $0.key < $1.key }) {
                    let statePath = "\(path).enabledProcesses.\(stateName)"
                    guard let state = Self.cardStates[stateName] else {
                        problem(
                            statePath,
                            "unknown card state; use one of \(Self.cardStates.keys.sorted().joined(separator: ", "))")
                        continue
                    }
                    for (index, processName) in ((processes as? [Any]) ?? []).enumerated() {
                        let processPath = "\(statePath)[\(index)]"
                        guard let name = processName as? String, let process = SelfServiceProcess(name: name) else {
                            problem(processPath, "unknown process; use unblock-pin-offline")
                            continue
                        }
                        if let reason = CardRules.cannotEnable(process, for: state) {
                            problem(processPath, reason)
                        } else {
                            enabled[state, default: []].insert(process)
                        }
                    }
                    if !(processes is [Any]) { problem(statePath, "must be a list of process names") }
                }
            } else {
                problem("\(path).enabledProcesses", "must be an object mapping card states to lists of processes")
            }
        }
        guard let name else { return nil }
        return DirectoryFile.Profile(path: path, name: name, enabled: enabled)
    }

    private mutating func user(_ value: Any, _ path: String, isDemo: Bool) -> DirectoryFile.User? {
        let fields: Set = ["username", "displayName", "state", "roles", "password", "passwordHash"]
        guard let object = object(value, path, allowed: fields) else { return nil }
        let username = string(object["username"], "\(path).username", required: true)
        if let username, !Account.isValidUsername(username) {
            problem("\(path).username", Account.usernameRule)
        }
        let displayName = string(object["displayName"], "\(path).displayName", required: false) ?? username ?? ""
        let state = choice(object["state"], "\(path).state", Self.userStates) ?? .active
        var roles: Roles = []
        if let raw = object["roles"] {
            if let list = raw as? [Any] {
                for (index, role) in list.enumerated() {
                    if let role = choice(role, "\(path).roles[\(index)]", Self.roles) { roles.insert(role) }
                }
            } else {
                problem("\(path).roles", "must be a list of \"selfservice\", \"helpdesk\" and \"admin\"")
            }
        } else {
            roles = .selfService
        }
        let password = string(object["password"], "\(path).password", required: false)
        let hash = string(object["passwordHash"], "\(path).passwordHash", required: false)
        var secret: DirectoryFile.User.Secret?
        switch (password, hash) {
        case (let password?, nil) where !password.isEmpty:
            if let reason = PasswordRules.problem(with: password, inDemoFile: isDemo) {
                problem("\(path).password", reason)
            } else {
                secret = .password(password)
            }
        case (nil, let hash?):
            if !PasswordHasher.isWellFormed(hash) {
                problem("\(path).passwordHash", "not a password hash of the form $pbkdf2-sha256$i=ITERATIONS$SALT$HASH")
            } else {
                secret = .hash(hash)
            }
        case (_?, _?): problem(path, "give either password or passwordHash, not both")
        default: problem(path, "a user needs a non-empty password or a passwordHash")
        }
        guard let username else { return nil }
        return DirectoryFile.User(
            path: path, username: username, displayName: displayName, state: state, roles: roles,
            secret: secret)
    }

    private mutating func card(_ value: Any, _ path: String) -> DirectoryFile.Card? {
        let fields: Set = ["serial", "owner", "profile", "state", "adminKey", "keyVersion"]
        guard let object = object(value, path, allowed: fields) else { return nil }
        let serial = string(object["serial"], "\(path).serial", required: true)?.uppercased()
        if let serial, SmartCard.normalizedSerial(serial) == nil { problem("\(path).serial", SmartCard.serialRule) }
        let owner = string(object["owner"], "\(path).owner", required: true)
        let profile = string(object["profile"], "\(path).profile", required: true)
        let state = choice(object["state"], "\(path).state", Self.cardStates) ?? .active
        var keyVersion: UInt32 = 1
        if let raw = object["keyVersion"] {
            if let number = raw as? Int, number >= 1, number <= Int(UInt32.max) {
                keyVersion = UInt32(number)
            } else {
                problem("\(path).keyVersion", "must be a whole number from 1")
            }
        }
        let key = adminKey(object["adminKey"], "\(path).adminKey")
        guard let serial, let owner, let profile else { return nil }
        return DirectoryFile.Card(
            path: path, serial: serial, owner: owner, profile: profile, state: state, key: key,
            keyVersion: keyVersion)
    }

    private mutating func adminKey(_ value: Any?, _ path: String) -> DirectoryFile.Card.Key? {
        guard let value else {
            problem(path, "missing")
            return nil
        }
        guard let object = object(value, path, allowed: ["algorithm", "hex", "derive"]) else { return nil }
        let algorithms = Dictionary(uniqueKeysWithValues: AdminKeyAlgorithm.allCases.map { ($0.rawValue, $0) })
        guard let algorithm = choice(object["algorithm"], "\(path).algorithm", algorithms) else {
            if object["algorithm"] == nil { problem("\(path).algorithm", "missing") }
            return nil
        }
        let derive = (object["derive"] as? Bool) ?? false
        switch (object["hex"], derive) {
        case (nil, true):
            return .derived(algorithm)
        case (let hex?, false):
            guard let text = hex as? String, let bytes = HexFormat.bytes(text) else {
                problem("\(path).hex", "must be the key in hex")
                return nil
            }
            do throws(CryptoError) {
                try AdminKeyPolicy.check(bytes, algorithm: algorithm)
                return .bytes(algorithm, bytes)
            } catch {
                problem("\(path).hex", error.message)
                return nil
            }
        case (_?, true):
            problem(path, "give either hex or derive: true, not both")
        case (nil, false):
            problem(path, "give the key as hex, or derive: true to derive it from the master key")
        }
        return nil
    }

    // MARK: Values

    /// The elements of a list field, each with its JSON path.
    private mutating func entries(_ value: Any?, _ path: String) -> [(value: Any, path: String)] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            problem(path, "must be a list")
            return []
        }
        return list.enumerated().map { ($1, "\(path)[\($0)]") }
    }

    private mutating func object(_ value: Any, _ path: String, allowed: Set<String>) -> [String: Any]? {
        guard let object = value as? [String: Any] else {
            problem(path, "must be an object")
            return nil
        }
        for key in object.keys.sorted() where !allowed.contains(key) {
            problem("\(path).\(key)", "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
        return object
    }

    private mutating func string(_ value: Any?, _ path: String, required: Bool) -> String? {
        guard let value else {
            if required { problem(path, "missing") }
            return nil
        }
        guard let string = value as? String, !required || !string.isEmpty else {
            problem(path, required ? "must be a non-empty string" : "must be a string")
            return nil
        }
        guard string.utf8.count <= 1_024 else {
            problem(path, "longer than 1024 bytes")
            return nil
        }
        return string
    }

    private mutating func choice<Value>(_ value: Any?, _ path: String, _ choices: [String: Value]) -> Value? {
        guard let value else { return nil }
        guard let name = value as? String, let chosen = choices[name] else {
            problem(path, "use one of \(choices.keys.sorted().joined(separator: ", "))")
            return nil
        }
        return chosen
    }

}
