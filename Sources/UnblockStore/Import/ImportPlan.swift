// A parsed directory file checked against the directory, and the changes it makes there.
import UnblockCore
import UnblockCrypto

/// What importing a file into a directory would do, and what stands in its way.
struct ImportPlan {
    let file: DirectoryFile
    let existing: ExistingEntryPolicy
    let view: any DirectoryView
    private(set) var problems: [ImportProblem] = []
    private(set) var summary = ImportSummary(profiles: 0, users: 0, cards: 0)

    init(_ file: DirectoryFile, existing: ExistingEntryPolicy, in view: any DirectoryView) {
        self.file = file
        self.existing = existing
        self.view = view
        check()
    }

    /// A key to seal or derive for one card of the file, for the id and version it will have.
    struct KeyJob: Sendable {
        let cardIndex: Int
        let cardID: CardID
        let serial: String
        let key: DirectoryFile.Card.Key
        let version: UInt32
    }

    /// The keys the import writes: new cards' (ids from the directory's next one, in file
    /// order), and with `update`, existing cards' at their next version.
    static func keyJobs(_ file: DirectoryFile, _ existing: ExistingEntryPolicy, in view: any DirectoryView) -> [KeyJob]
    {
        var next = view.newCardID().rawValue
        return file.cards.enumerated().compactMap { index, card in
            guard let key = card.key else { return nil }
            if let current = view.card(serial: card.serial) {
                guard existing == .update else { return nil }
                return KeyJob(
                    cardIndex: index, cardID: current.id, serial: card.serial, key: key,
                    version: current.key.version + 1)
            }
            defer { next += 1 }
            return KeyJob(
                cardIndex: index, cardID: CardID(next), serial: card.serial, key: key, version: card.keyVersion)
        }
    }

    /// Each job's key record, sealed under `masterKey` (or derived from it), with its check value.
    static func seal(_ jobs: [KeyJob], masterKeys: MasterKeys, cipher: BlockCipher) throws -> [AdminKeyRecord?] {
        let sealer = KeySealer(masterKeys)
        return try jobs.map { job in
            let key: AdminKey
            let source: AdminKeyRecord.Source
            switch job.key {
            case .bytes(let algorithm, let bytes):
                key = try AdminKey(algorithm: algorithm, bytes: bytes)
                source = .sealed(try sealer.seal(key, cardID: job.cardID.description, keyVersion: job.version))
            case .derived(let algorithm):
                key = try AdminKeyDerivation.adminKey(
                    masterKey: masterKeys.derivation, serial: job.serial, algorithm: algorithm)
                source = .derived
            }
            return AdminKeyRecord(
                algorithm: job.key.algorithm, source: source, version: job.version,
                checkValue: try cipher.keyCheckValue(of: key))
        }
    }

    // MARK: Checks

    private mutating func check() {
        var profiles: Set<String> = []
        for profile in file.profiles {
            guard profiles.insert(profile.name).inserted else {
                problem("\(profile.path).name", "the file names profile \"\(profile.name)\" twice")
                continue
            }
            if existing == .fail, view.profile(named: profile.name) != nil {
                problem("\(profile.path).name", "a profile named \"\(profile.name)\" already exists")
            }
        }
        var users: Set<String> = []
        for user in file.users {
            guard users.insert(user.username).inserted else {
                problem("\(user.path).username", "the file names user \"\(user.username)\" twice")
                continue
            }
            if existing == .fail, view.account(username: user.username) != nil {
                problem("\(user.path).username", "a user named \"\(user.username)\" already exists")
            }
        }
        var serials: Set<String> = []
        for card in file.cards {
            guard serials.insert(card.serial).inserted else {
                problem("\(card.path).serial", "the file names card \(card.serial) twice")
                continue
            }
            if existing == .fail, view.card(serial: card.serial) != nil {
                problem("\(card.path).serial", "a card with serial \(card.serial) already exists")
            }
            if !users.contains(card.owner) && view.account(username: card.owner) == nil {
                problem("\(card.path).owner", "no user named \"\(card.owner)\"")
            }
            if !profiles.contains(card.profile) && view.profile(named: card.profile) == nil {
                problem("\(card.path).profile", "no profile named \"\(card.profile)\"")
            }
        }
    }

    // MARK: Changes

    /// The mutations that import the file, with the passwords hashed and the keys sealed
    /// beforehand (`keys[i]` for `jobs[i]`).
    mutating func mutations(
        hashes: [String: String], keys: [AdminKeyRecord?], jobs: [KeyJob], actor: String, now: Timestamp
    ) -> [Mutation] {
        var mutations: [Mutation] = []
        for profile in file.profiles {
            let imported = CardProfile(name: profile.name, enabled: profile.enabled)
            if let current = view.profile(named: profile.name) {
                guard existing == .update else {
                    summary.skipped += 1
                    continue
                }
                if current != imported {
                    mutations.append(.profile(imported))
                    summary.updated += 1
                }
            } else {
                mutations.append(.profile(imported))
                summary.profiles += 1
            }
        }

        var accountIDs: [String: AccountID] = [:]
        var nextAccount = view.newAccountID().rawValue
        for user in file.users {
            if let current = view.account(username: user.username) {
                accountIDs[user.username] = current.id
                guard existing == .update else {
                    summary.skipped += 1
                    continue
                }
                var updated = current
                updated.displayName = user.displayName
                updated.state = user.state
                updated.roles = user.roles
                if let hash = hashes[user.username] { updated.passwordHash = hash }
                if updated != current {
                    mutations.append(.account(updated))
                    summary.updated += 1
                }
            } else {
                let id = AccountID(nextAccount)
                nextAccount += 1
                accountIDs[user.username] = id
                mutations.append(
                    .account(
                        Account(
                            id: id, username: user.username, displayName: user.displayName, state: user.state,
                            roles: user.roles, passwordHash: hashes[user.username] ?? "")))
                summary.users += 1
            }
        }

        let sealed = Dictionary(uniqueKeysWithValues: zip(jobs.map(\.cardIndex), zip(jobs, keys)))
        for (index, card) in file.cards.enumerated() {
            guard let owner = accountIDs[card.owner] ?? view.account(username: card.owner)?.id,
                let (job, sealedRecord) = sealed[index], let record = sealedRecord
            else { continue }
            if let current = view.card(serial: card.serial) {
                guard existing == .update else {
                    summary.skipped += 1
                    continue
                }
                var updated = current
                updated.owner = owner
                updated.profile = card.profile
                updated.state = card.state
                if Self.differs(record, from: current.key) { updated.key = record }
                if updated != current {
                    mutations.append(.card(updated))
                    summary.updated += 1
                }
            } else {
                mutations.append(
                    .card(
                        SmartCard(
                            id: job.cardID, serial: card.serial, owner: owner,
                            profile: card.profile, state: card.state, key: record)))
                summary.cards += 1
            }
        }
        mutations.append(
            .audit(
                AuditEvent(
                    at: now, actor: actor, action: "import", target: "directory", outcome: "success",
                    detail: "existing=\(existing.rawValue) added=profiles:\(summary.profiles),users:\(summary.users),"
                        + "cards:\(summary.cards) updated=\(summary.updated) skipped=\(summary.skipped)")))
        return mutations
    }

    /// Whether a key from the file is another key than the card's: the same algorithm and
    /// check value, sealed or derived alike, is the same key.
    private static func differs(_ record: AdminKeyRecord, from current: AdminKeyRecord) -> Bool {
        let derived: (AdminKeyRecord) -> Bool = { if case .derived = $0.source { true } else { false } }
        return record.algorithm != current.algorithm || record.checkValue != current.checkValue
            || derived(record) != derived(current)
    }

    private mutating func problem(_ path: String, _ message: String) {
        problems.append(ImportProblem(path: path, message: message))
    }
}
