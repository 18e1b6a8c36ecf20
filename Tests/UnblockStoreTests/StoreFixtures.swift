// Temporary data directories and sample mutations.
import Foundation
import UnblockCore
import UnblockCrypto
import UnblockStore
import UnblockTesting

/// A store configuration for tests: journal files made ahead of use as the server's are,
/// only smaller (64 KiB), so that tests also run out of them.
func configuration(
    _ path: String, storage: any Storage = PosixStorage(), fsync: FsyncPolicy = .always,
    snapshotEvery: Int = 1_000_000, preallocation: Int = 64 << 10
) -> EmbeddedStore.Configuration {
    var configuration = EmbeddedStore.Configuration(dataDirectory: path + "/data")
    configuration.storage = storage
    configuration.journalPreallocation = preallocation
    configuration.fsync = fsync
    configuration.snapshotEveryCommits = snapshotEvery
    configuration.snapshotInterval = .zero
    return configuration
}

enum Sample {
    static func account(_ id: UInt32) -> Account {
        Account(
            id: AccountID(id), username: "user\(id)", displayName: "User \(id) Ünïcode",
            roles: id % 7 == 0 ? [.selfService, .admin] : .selfService,
            passwordHash: "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2g")
    }

    static func card(_ id: UInt64, owner: UInt32) -> SmartCard {
        SmartCard(
            id: CardID(id), serial: String(format: "04%012X", id), owner: AccountID(owner), profile: "Employee Card",
            state: id % 5 == 0 ? .suspended : .active,
            key: AdminKeyRecord(
                algorithm: id % 2 == 0 ? .aes128 : .tripleDES,
                source: id % 3 == 0 ? .derived : .sealed(Array(repeating: UInt8(id & 0xFF), count: 53)),
                version: 1, checkValue: [1, 2, 3]),
            responses: id % 4 == 0
                ? [
                    IssuedResponse(
                        challengeHash: SHA256Hash(Array(repeating: 9, count: 32))!,
                        at: Timestamp(milliseconds: 1_800_000_000_000))
                ] : []
        )
    }

    /// The `index`-th commit of a deterministic workload touching every kind of mutation.
    static func commit(_ index: Int) -> [Mutation] {
        let id = UInt32(index + 1)
        var mutations: [Mutation] = [.account(account(id)), .card(card(UInt64(id), owner: id))]
        if index % 3 == 0 {
            var profile = CardProfile(name: "Employee Card")
            profile.set(.unblockPinOffline, enabled: index % 2 == 0, for: .active)
            mutations.append(.profile(profile))
        }
        mutations.append(
            .audit(
                AuditEvent(
                    at: Timestamp(milliseconds: Int64(index)), actor: "user\(id)",
                    action: "test", target: "c-\(id)", outcome: "success")))
        return mutations
    }
}

extension EmbeddedStore {
    func apply(_ mutations: [Mutation]) async throws {
        try await commit { _ in (mutations, ()) }
    }

    var directory: Directory { withDirectory { $0 } }
}
