// Imports a directory file: every check first, then everything in one commit, or nothing.
import Foundation
import UnblockCore
import UnblockCrypto

/// What an import added.
public struct ImportSummary: Sendable, Equatable {
    public var profiles: Int
    public var users: Int
    public var cards: Int

    public init(profiles: Int, users: Int, cards: Int) {
        self.profiles = profiles
        self.users = users
        self.cards = cards
    }
}

extension EmbeddedStore {
    /// Imports a directory file (see `Examples/demo-directory.json` for its shape).
    ///
    /// Everything is checked first: the JSON, weak keys, unknown owners or profiles,
    /// duplicates within the file or against the store, bad states. Any problem fails the
    /// whole import with an `ImportError` listing each problem by JSON path, and nothing is
    /// applied. Passwords are hashed with `passwordHasher`; keys are sealed under the store's
    /// master key (or derived from it); nothing secret is written in clear.
    public func importDirectory(
        _ data: Data,
        passwordHasher: PasswordHasher = PasswordHasher(),
        actor: String = "import",
        now: Timestamp = .now
    ) async throws -> ImportSummary {
        var parser = DirectoryFileParser()
        let file = parser.parse(data)
        let masterKey = self.masterKey
        // Against the store as well, before anything slow: one run reports every problem.
        // A weaker hash would make that user's login quicker to check than the others', and
        // quicker to crack from a stolen data directory.
        let weakHashes = file.users.compactMap { user -> ImportProblem? in
            guard case .hash(let hash)? = user.secret, let iterations = PasswordHasher.iterations(of: hash),
                iterations < passwordHasher.iterations
            else { return nil }
            return ImportProblem(
                path: "\(user.path).passwordHash",
                message: "made with \(iterations) iterations, fewer than the server's \(passwordHasher.iterations); "
                    + "hash the password again with `unblockd hash-password --iterations \(passwordHasher.iterations)`")
        }
        let problems =
            parser.problems + weakHashes
            + (try withDirectory { directory in
                var planner = ImportPlanner(directory: directory, masterKey: masterKey)
                _ = try planner.plan(file, hashes: [:], actor: actor, now: now, checkOnly: true)
                return planner.problems
            })
        guard problems.isEmpty else { throw ImportError(problems: problems) }

        // Hashing is slow by design: do it before taking the store's lock.
        var hashes: [String: String] = [:]
        for user in file.users {
            switch user.secret {
            case .hash(let hash): hashes[user.username] = hash
            case .password(let password): hashes[user.username] = try passwordHasher.hash(password)
            case nil: break
            }
        }
        return try await commit { directory in
            var planner = ImportPlanner(directory: directory, masterKey: masterKey)
            let mutations = try planner.plan(file, hashes: hashes, actor: actor, now: now)
            guard planner.problems.isEmpty else { throw ImportError(problems: planner.problems) }
            return (
                mutations,
                ImportSummary(
                    profiles: file.profiles.count, users: file.users.count,
                    cards: file.cards.count)
            )
        }
    }
}

/// Checks a parsed file against the directory and turns it into mutations.
private struct ImportPlanner {
    let directory: Directory
    let masterKey: SecretBytes
    var problems: [ImportProblem] = []

    init(directory: Directory, masterKey: SecretBytes) {
        self.directory = directory
        self.masterKey = masterKey
    }

    /// The mutations that import `file`; its problems against the directory are collected in
    /// `problems`. With `checkOnly`, nothing is sealed or derived (no mutations for cards).
    mutating func plan(
        _ file: DirectoryFile, hashes: [String: String], actor: String, now: Timestamp, checkOnly: Bool = false
    ) throws -> [Mutation] {
        var mutations: [Mutation] = []
        var profileNames = Set(directory.profiles.keys)
        for profile in file.profiles {
            guard profileNames.insert(profile.name).inserted else {
                problem("\(profile.path).name", "a profile named \"\(profile.name)\" already exists")
                continue
            }
            mutations.append(.profile(CardProfile(name: profile.name, enabled: profile.enabled)))
        }

        var accountIDs: [String: AccountID] = [:]
        var nextAccount = directory.nextAccountID
        for user in file.users {
            guard directory.account(username: user.username) == nil, accountIDs[user.username] == nil else {
                problem("\(user.path).username", "a user named \"\(user.username)\" already exists")
                continue
            }
            let id = AccountID(nextAccount)
            nextAccount += 1
            accountIDs[user.username] = id
            mutations.append(
                .account(
                    Account(
                        id: id, username: user.username, displayName: user.displayName,
                        state: user.state, roles: user.roles,
                        passwordHash: hashes[user.username] ?? "")))
        }

        let cipher = try BlockCipher()
        let sealer = try KeySealer(masterKey: masterKey)
        var serials: Set<String> = []
        var nextCard = directory.nextCardID
        for card in file.cards {
            if directory.card(serial: card.serial) != nil || !serials.insert(card.serial).inserted {
                problem("\(card.path).serial", "a card with serial \(card.serial) already exists")
            }
            let owner = accountIDs[card.owner] ?? directory.account(username: card.owner)?.id
            if owner == nil { problem("\(card.path).owner", "no user named \"\(card.owner)\"") }
            if !profileNames.contains(card.profile) {
                problem("\(card.path).profile", "no profile named \"\(card.profile)\"")
            }
            guard let owner, let key = card.key, !checkOnly else { continue }
            let id = CardID(nextCard)
            nextCard += 1
            do throws(CryptoError) {
                let adminKey: AdminKey
                let source: AdminKeyRecord.Source
                switch key {
                case .bytes(let algorithm, let bytes):
                    adminKey = try AdminKey(algorithm: algorithm, bytes: bytes)
                    source = .sealed(try sealer.seal(adminKey, cardID: id.description, keyVersion: card.keyVersion))
                case .derived(let algorithm):
                    adminKey = try AdminKeyDerivation.adminKey(
                        masterKey: masterKey, serial: card.serial, algorithm: algorithm)
                    source = .derived
                }
                let record = AdminKeyRecord(
                    algorithm: key.algorithm, source: source, version: card.keyVersion,
                    checkValue: try cipher.keyCheckValue(of: adminKey))
                mutations.append(
                    .card(
                        SmartCard(
                            id: id, serial: card.serial, owner: owner, profile: card.profile,
                            state: card.state, key: record)))
            } catch {
                problem("\(card.path).adminKey", error.message)
            }
        }
        mutations.append(
            .audit(
                AuditEvent(
                    at: now, actor: actor, action: "import", target: "directory", outcome: "success",
                    detail: "profiles=\(file.profiles.count) users=\(file.users.count) cards=\(file.cards.count)"))
        )
        return mutations
    }

    mutating func problem(_ path: String, _ message: String) {
        problems.append(ImportProblem(path: path, message: message))
    }
}
