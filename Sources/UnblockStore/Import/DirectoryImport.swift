// Imports a directory file into any store: every check first, the cryptography where the caller says, then one commit.
import Foundation
import UnblockCore
import UnblockCrypto

/// What an import does with entries the directory already has (matched by username, card
/// serial, profile name).
public enum ExistingEntryPolicy: String, Sendable, CaseIterable {
    /// Each is a problem, and nothing is imported.
    case fail
    /// They are left as they are; the new entries are added.
    case skip
    /// They take the file's values: a user's display name, state, roles and (when given) password;
    /// a profile's processes; a card's owner, profile, state and (when it differs) key, whose version goes up.
    case update
}

/// What an import changed.
public struct ImportSummary: Sendable, Equatable {
    /// Added.
    public var profiles: Int
    public var users: Int
    public var cards: Int
    /// Entries that existed and changed (`update`), or were left as they were (`skip`).
    public var updated: Int
    public var skipped: Int

    public init(profiles: Int, users: Int, cards: Int, updated: Int = 0, skipped: Int = 0) {
        self.profiles = profiles
        self.users = users
        self.cards = cards
        self.updated = updated
        self.skipped = skipped
    }
}

/// The cryptography an import needs, run where its caller says: inline for the command
/// line, on the crypto pool for the server (never on an event loop).
public struct ImportCrypto: Sendable {
    /// Hashes a password from the file.
    public var hashPassword: @Sendable (String) async throws -> String
    /// Runs the key work (sealing, derivation, check values) with a block cipher.
    public var withCipher:
        @Sendable (@escaping @Sendable (BlockCipher) throws -> [AdminKeyRecord?]) async throws -> [AdminKeyRecord?]
    /// The fewest iterations a hash in the file may have: the server's.
    public var minimumIterations: Int

    public init(
        hashPassword: @escaping @Sendable (String) async throws -> String,
        withCipher:
            @escaping @Sendable (@escaping @Sendable (BlockCipher) throws -> [AdminKeyRecord?]) async throws
            -> [AdminKeyRecord?],
        minimumIterations: Int
    ) {
        self.hashPassword = hashPassword
        self.withCipher = withCipher
        self.minimumIterations = minimumIterations
    }

    /// Everything on the caller's thread (the command line, with no server running).
    public static func inline(_ passwordHasher: PasswordHasher) -> ImportCrypto {
        ImportCrypto(
            hashPassword: { try passwordHasher.hash($0) },
            withCipher: { body in try body(try BlockCipher()) },
            minimumIterations: passwordHasher.iterations)
    }
}

extension DirectoryStore {
    /// Imports a directory file (see `docs/DIRECTORY-FILE.md`).
    ///
    /// Everything is checked first: the JSON, weak keys and hashes, unknown owners or
    /// profiles, duplicates within the file, and entries the directory has (per `existing`).
    /// Any problem fails the whole import with an `ImportError` listing each by JSON path,
    /// and nothing is applied. Passwords are hashed and keys sealed under `masterKey` (or
    /// derived from it) before the commit, through `crypto`; nothing secret is stored in clear.
    public func importDirectory(
        _ data: Data,
        existing: ExistingEntryPolicy = .fail,
        masterKeys: MasterKeys,
        crypto: ImportCrypto,
        actor: String = "import",
        now: Timestamp = .now
    ) async throws -> ImportSummary {
        var parser = DirectoryFileParser()
        let file = parser.parse(data)
        // A weaker hash would make that user's login quicker to check than the others', and
        // quicker to crack from a stolen data directory.
        let weakHashes = file.users.compactMap { user -> ImportProblem? in
            guard case .hash(let hash)? = user.secret, let iterations = PasswordHasher.iterations(of: hash),
                iterations < crypto.minimumIterations
            else { return nil }
            return ImportProblem(
                path: "\(user.path).passwordHash",
                message: "made with \(iterations) iterations, fewer than the server's \(crypto.minimumIterations); "
                    + "hash the password again with `unblockd hash-password --iterations \(crypto.minimumIterations)`")
        }
        let problems =
            parser.problems + weakHashes
            + (try await read { ImportPlan(file, existing: existing, in: $0).problems })
        guard problems.isEmpty else { throw ImportError(problems: problems) }

        // Slow by design, and before the commit: the passwords of the users it writes.
        let writtenUsers = try await read { view in
            Set(file.users.filter { existing != .skip || view.account(username: $0.username) == nil }.map(\.username))
        }
        var hashes: [String: String] = [:]
        for user in file.users where writtenUsers.contains(user.username) {
            switch user.secret {
            case .hash(let hash): hashes[user.username] = hash
            case .password(let password): hashes[user.username] = try await crypto.hashPassword(password)
            case nil: break
            }
        }
        // The keys are sealed for the card ids the commit will give: sealed again in the rare
        // case another card was registered meanwhile.
        for _ in 0..<3 {
            let (base, jobs) = try await read { view in (view.newCardID(), ImportPlan.keyJobs(file, existing, in: view))
            }
            let records = try await crypto.withCipher { cipher in
                try ImportPlan.seal(jobs, masterKeys: masterKeys, cipher: cipher)
            }
            let summary: ImportSummary? = try await commit { [hashes] view in
                guard view.newCardID() == base else { return ([], nil) }
                var plan = ImportPlan(file, existing: existing, in: view)
                let mutations = plan.mutations(hashes: hashes, keys: records, jobs: jobs, actor: actor, now: now)
                guard plan.problems.isEmpty else { throw ImportError(problems: plan.problems) }
                return (mutations, plan.summary)
            }
            if let summary { return summary }
        }
        throw ImportError(problems: [
            ImportProblem(path: "$", message: "cards were being registered meanwhile; run the import again")
        ])
    }
}

extension EmbeddedStore {
    /// Imports a directory file with the store's master key, hashing and sealing on the
    /// caller's thread (the command line, before the server serves).
    public func importDirectory(
        _ data: Data,
        passwordHasher: PasswordHasher = PasswordHasher(),
        existing: ExistingEntryPolicy = .fail,
        actor: String = "import",
        now: Timestamp = .now
    ) async throws -> ImportSummary {
        try await importDirectory(
            data, existing: existing, masterKeys: masterKeys, crypto: .inline(passwordHasher), actor: actor, now: now)
    }
}
