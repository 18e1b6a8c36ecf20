// The run a crash is simulated in: mixed commits on a real embedded store, with snapshots and
// journal rotations between them, every file operation recorded and every acknowledgement marked.
import Foundation
import Logging
import UnblockCore
import UnblockStore

/// A recorded run: its operations, and the directory the store held after each commit.
struct CrashWorkload {
    let operations: [FileOperation]
    /// The state after each commit, by sequence (0: empty).
    let expected: [UInt64: Directory]
    let folder: String
    static let auditRetention = 64

    /// Runs `commits` commits (chosen by `random`) on a store in `folder` (made empty first).
    /// `fsync` other than `.always` acknowledges commits the disk does not have yet: the
    /// simulator must then find losses (its own test).
    static func record(
        commits: Int, in folder: String, fsync: FsyncPolicy = .always, using random: inout some RandomNumberGenerator
    ) async throws -> CrashWorkload {
        try? FileManager.default.removeItem(atPath: folder)
        let log = OperationLog()
        var configuration = EmbeddedStore.Configuration(dataDirectory: folder)
        configuration.storage = RecordingStorage(log: log)
        configuration.fsync = fsync
        // Snapshots (each rotating the journal) every few commits, and journal files made ahead
        // of use small enough that rotations also take spares and run past their zeros.
        configuration.snapshotEveryCommits = 9
        configuration.snapshotInterval = .zero
        configuration.journalPreallocation = 4 << 10
        configuration.auditRetention = auditRetention
        configuration.auditArchiveRetention = nil
        configuration.logger.logLevel = .critical
        let store = try EmbeddedStore(configuration: configuration)
        var expected: [UInt64: Directory] = [0: store.withDirectory { $0 }]
        var profile = CardProfile(name: "Crash Card")
        _ = profile.set(.unblockPinOffline, enabled: true, for: .active)
        for step in 0..<commits {
            let mutations = Self.mutations(step: step, profile: &profile, store: store, using: &random)
            try await store.commit { _ in (mutations, ()) }
            let sequence = store.lastSequence
            log.append(.acknowledged(sequence))
            expected[sequence] = store.withDirectory { $0 }
            if step % 17 == 16 { try await store.snapshot() }
        }
        try await store.close()
        return CrashWorkload(operations: log.operations, expected: expected, folder: folder)
    }

    /// One commit's mutations: users with cards, responses issued (the replay history and the
    /// limit), a card suspended or made active, the profile's process switched.
    private static func mutations(
        step: Int, profile: inout CardProfile, store: EmbeddedStore, using random: inout some RandomNumberGenerator
    ) -> [Mutation] {
        let now = Timestamp(milliseconds: 1_800_000_000_000 + Int64(step) * 1_000)
        let (accounts, cards) = store.withDirectory { ($0.accounts.count, $0.cards.count) }
        func event(_ action: String, _ target: String) -> Mutation {
            .audit(AuditEvent(at: now, actor: "crash", action: action, target: target, outcome: "success"))
        }
        switch step == 0 ? 0 : Int.random(in: 0..<10, using: &random) {
        case 0:
            return [.profile(profile), event("create-profile", profile.name)]
        case 1, 2:
            let account = AccountID(UInt32(accounts + 1))
            let card = SmartCard(
                id: CardID(UInt64(cards + 1)), serial: String(format: "C0%08X", cards + 1), owner: account,
                profile: profile.name,
                key: AdminKeyRecord(algorithm: .aes128, source: .derived, version: 1, checkValue: [1, 2, 3]))
            let user = Account(
                id: account, username: "user\(accounts + 1)", displayName: "User \(accounts + 1)",
                passwordHash: "$pbkdf2-sha256$i=1000$c2FsdA$" + String(repeating: "A", count: 43))
            return [.account(user), .card(card), event("create-user", user.username)]
        case 3:
            _ = profile.set(.unblockPinOffline, enabled: Bool.random(using: &random), for: .active)
            return [.profile(profile), event("set-process", profile.name)]
        case 4 where cards > 0:
            let id = CardID(UInt64.random(in: 1...UInt64(cards), using: &random))
            guard var card = store.withDirectory({ $0.card(id: id) }) else { return [event("noop", "")] }
            card.state = card.state == .active ? .suspended : .active
            return [.card(card), event("set-card-state", id.description)]
        default:
            guard cards > 0 else { return [event("noop", "")] }
            // A batch of responses, as one batch of UnblockPinOffline calls commits them.
            return (0..<Int.random(in: 1...6, using: &random)).flatMap { _ -> [Mutation] in
                let id = CardID(UInt64.random(in: 1...UInt64(cards), using: &random))
                let hash = SHA256Hash((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })!
                return [
                    .responseIssued(id, IssuedResponse(challengeHash: hash, at: now)),
                    event("unblock-pin-offline", id.description),
                ]
            }
        }
    }
}
