// Store figures: durable commit throughput with 50 writers, and a 1,000,000-card store's snapshot, load and memory.
import Foundation
import UnblockCore
import UnblockCrypto
import UnblockStore

enum StoreBenchmarks {
    static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "unblock-bench-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func card(_ id: UInt64, owner: UInt32) -> SmartCard {
        SmartCard(
            id: CardID(id), serial: String(format: "04%012X", id), owner: AccountID(owner), profile: "Employee Card",
            key: AdminKeyRecord(
                algorithm: id % 2 == 0 ? .aes128 : .tripleDES,
                source: .sealed((0..<53).map { UInt8(truncatingIfNeeded: Int(id) &+ $0) }),
                version: 1, checkValue: [1, 2, 3])
        )
    }

    static func account(_ id: UInt32) -> Account {
        Account(
            id: AccountID(id), username: "user\(id)", displayName: "User Number \(id)",
            passwordHash: "$pbkdf2-sha256$i=600000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhcw")
    }

    /// Commits per second with `always` and 50 concurrent writers, each commit a card update
    /// plus its audit event (what an issued response writes).
    static func durableCommits() async throws -> Measurement {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = EmbeddedStore.Configuration(dataDirectory: folder + "/data")
        configuration.logger.logLevel = .warning
        let store = try EmbeddedStore(configuration: configuration)
        try await store.commit { _ in ((1...1_000).map { .card(card(UInt64($0), owner: 1)) }, ()) }
        let writers = 50
        let perWriter = 2_000
        let result = try await measureAsync(
            "store: durable commits, fsync always, 50 writers", target: ">= 50,000/s", samples: 5,
            operations: writers * perWriter
        ) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for index in 0..<perWriter {
                            var updated = card(UInt64(writer * 20 + index % 20 + 1), owner: 1)
                            updated.responses = [
                                IssuedResponse(
                                    challengeHash: SHA256Hash(Array(repeating: 7, count: 32))!,
                                    at: Timestamp(milliseconds: Int64(index)))
                            ]
                            let event = AuditEvent(
                                at: .now, actor: "user1", action: "unblock-pin-offline",
                                target: updated.id.description, outcome: "success",
                                detail: "keyVersion=1")
                            try await store.commit { [updated] _ in ([.card(updated), .audit(event)], ()) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await store.close()
        return result
    }

    /// Builds a store of `cards` cards and `cards / 2` users in `folder`, then times one snapshot.
    static func buildLargeStore(in folder: String, cards: Int) async throws -> Measurement {
        var configuration = EmbeddedStore.Configuration(dataDirectory: folder + "/data")
        configuration.logger.logLevel = .warning
        configuration.fsync = .none
        configuration.snapshotEveryCommits = .max
        configuration.snapshotInterval = .zero
        let store = try EmbeddedStore(configuration: configuration)
        var profile = CardProfile(name: "Employee Card")
        profile.set(.unblockPinOffline, enabled: true, for: .active)
        try await store.commit { [profile] _ in ([.profile(profile)], ()) }
        let users = cards / 2
        for start in stride(from: 1, through: users, by: 5_000) {
            let ids = start..<min(start + 5_000, users + 1)
            try await store.commit { _ in (ids.map { .account(account(UInt32($0))) }, ()) }
        }
        for start in stride(from: 1, through: cards, by: 5_000) {
            let ids = start..<min(start + 5_000, cards + 1)
            try await store.commit { _ in (ids.map { .card(card(UInt64($0), owner: UInt32(($0 - 1) % users + 1))) }, ())
            }
        }
        let result = try await measureAsync(
            "store: snapshot of \(cards) cards, \(users) users", target: "<= 3 s",
            samples: 1, operations: 1
        ) {
            try await store.snapshot()
        }
        try await store.close()
        return result
    }

    /// Opens (recovers) a store and reports the time and the process's resident memory after.
    static func loadLargeStore(in folder: String) throws -> (Measurement, residentBytes: Int) {
        var configuration = EmbeddedStore.Configuration(dataDirectory: folder + "/data")
        configuration.logger.logLevel = .warning
        let clock = ContinuousClock()
        let start = clock.now
        let store = try EmbeddedStore(configuration: configuration)
        let elapsed = nanoseconds(clock.now - start)
        let cards = store.withDirectory { $0.cards.count }
        let measurement = Measurement(once: "store: load \(cards) cards", nanoseconds: elapsed, target: "<= 3 s")
        return (measurement, residentBytes())
    }

    /// Times one commit (a card's issued response and its audit event) on a loaded store,
    /// first alone, then while a snapshot of the same store is being written: the snapshot
    /// holds the directory as it was, so the commit's change copies what it touches.
    static func commitDuringSnapshot(in folder: String) async throws -> [Measurement] {
        var configuration = EmbeddedStore.Configuration(dataDirectory: folder + "/data")
        configuration.logger.logLevel = .warning
        configuration.snapshotEveryCommits = .max
        configuration.snapshotInterval = .zero
        let store = try EmbeddedStore(configuration: configuration)
        func commit(_ sequence: UInt8) async throws {
            let hash = SHA256Hash(digesting: [sequence])
            let now = Timestamp.now
            try await store.commit { _ in
                let event = AuditEvent(
                    at: now, actor: "bench", action: "unblock-pin-offline", target: "c-000001", outcome: "success")
                return ([.responseIssued(CardID(1), IssuedResponse(challengeHash: hash, at: now)), .audit(event)], ())
            }
        }
        // A full audit trail, as a server that has run a while keeps (the default retention).
        let auditMissing = configuration.auditRetention - store.withDirectory { $0.recentAudit.count }
        for start in stride(from: 0, to: auditMissing, by: 5_000) {
            let now = Timestamp.now
            try await store.commit { _ in
                let events = (start..<min(start + 5_000, auditMissing)).map { index in
                    Mutation.audit(
                        AuditEvent(
                            at: now, actor: "user\(index)", action: "list-cards", target: "u-\(index)",
                            outcome: "success"))
                }
                return (events, ())
            }
        }
        let clock = ContinuousClock()
        func timed(_ name: String, _ body: () async throws -> Void) async rethrows -> Measurement {
            let start = clock.now
            try await body()
            return Measurement(once: name, nanoseconds: nanoseconds(clock.now - start), target: "(reference)")
        }
        let alone = try await timed("store: one commit, 1M cards") { try await commit(1) }
        let snapshot = Task { try await store.snapshot() }
        try await Task.sleep(for: .milliseconds(20))
        let during = try await timed("store: one commit during a snapshot, 1M cards") { try await commit(2) }
        try await snapshot.value
        let after = try await timed("store: the next commit after it") { try await commit(3) }
        try await store.close()
        print("store: peak resident memory: \(peakResidentBytes() / 1_048_576) MiB")
        return [alone, during, after]
    }

    /// VmHWM of this process, from /proc.
    static func peakResidentBytes() -> Int { statusKilobytes("VmHWM:") * 1_024 }

    /// VmRSS of this process, from /proc.
    static func residentBytes() -> Int { statusKilobytes("VmRSS:") * 1_024 }

    private static func statusKilobytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes
    }
}
