// The audit trail on disk: events memory has dropped still answer queries, across restarts, until their retention.
import Foundation
import Testing
import UnblockCore
import UnblockStore
import UnblockTesting

@Suite struct AuditArchiveTests {
    /// Ten events of each kind in memory, seven to an archive file.
    static func archiving(_ path: String) -> EmbeddedStore.Configuration {
        var configuration = configuration(path)
        configuration.auditRetention = 10
        configuration.auditEventsPerArchiveFile = 7
        return configuration
    }

    static func event(_ number: Int, at: Timestamp = .now) -> Mutation {
        .audit(
            AuditEvent(
                at: at, actor: number % 2 == 0 ? "alice" : "bob",
                action: number % 5 == 0 ? AuditEvent.loginAction : "unblock-pin-offline", target: "c-\(number)",
                outcome: "success"))
    }

    static func sequences(_ store: EmbeddedStore, _ configure: (inout AuditQuery) -> Void) async throws -> [UInt64] {
        var query = AuditQuery()
        query.limit = 1_000
        configure(&query)
        return try await store.auditEvents(query).events.map(\.sequence)
    }

    @Test func eventsMemoryDroppedAnswerFromTheArchiveAcrossARestart() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: Self.archiving(path))
            for number in 1...50 { try await store.apply([Self.event(number)]) }
            #expect(store.withDirectory { $0.recentAudit.count + $0.recentLogins.count } == 20, "memory holds 20")
            #expect(try await Self.sequences(store) { $0.newestFirst = false } == Array(1...50))
            #expect(try await Self.sequences(store) { _ in } == Array((1...50).reversed()))
            // Pages of six, newest first: each event once, across memory and archive.
            var seen: [UInt64] = []
            var before = UInt64.max
            while true {
                let page = try await Self.sequences(store) {
                    $0.limit = 6; $0.beforeSequence = before
                }
                if page.isEmpty { break }
                seen += page
                before = page.last!
            }
            #expect(seen == Array((1...50).reversed()))
            #expect(
                try await Self.sequences(store) {
                    $0.user = "bob"; $0.newestFirst = false
                }.prefix(3) == [1, 3, 5])
            try await store.close()

            let reopened = try EmbeddedStore(configuration: Self.archiving(path))
            #expect(try await Self.sequences(reopened) { $0.newestFirst = false } == Array(1...50))
            try await reopened.apply([Self.event(51)])
            #expect(try await Self.sequences(reopened) { $0.limit = 2 } == [51, 50])
            try await reopened.close()
        }
    }

    @Test func aTornTailOfTheArchiveIsCutAndRefilledFromTheJournal() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: Self.archiving(path))
            for number in 1...30 { try await store.apply([Self.event(number)]) }
            try await store.close()
            // The file being written when the power went: its last bytes never reached the disk.
            let folder = path + "/data"
            let current = try #require(
                try FileManager.default.contentsOfDirectory(atPath: folder).filter {
                    $0.hasPrefix("audit-") && $0.split(separator: "-").count == 2
                }.first)
            let handle = try #require(FileHandle(forUpdatingAtPath: "\(folder)/\(current)"))
            let size = try handle.seekToEnd()
            try handle.truncate(atOffset: size - 5)
            try handle.close()
            let reopened = try EmbeddedStore(configuration: Self.archiving(path))
            #expect(try await Self.sequences(reopened) { $0.newestFirst = false } == Array(1...30))
            try await reopened.close()
        }
    }

    @Test func filesPastTheRetentionAreRemovedWhole() async throws {
        try await withTemporaryDirectory { path in
            var configuration = Self.archiving(path)
            configuration.auditArchiveRetention = .seconds(400 * 86_400)
            let store = try EmbeddedStore(configuration: configuration)
            let old = Timestamp.now - .seconds(500 * 86_400)
            for number in 1...20 { try await store.apply([Self.event(number, at: old)]) }
            for number in 21...40 { try await store.apply([Self.event(number)]) }
            // The retention runs with each snapshot.
            try await store.snapshot()
            // Files of 7: 1-7 and 8-14 are all older than 400 days; 15-21 has a recent event.
            #expect(try await Self.sequences(store) { $0.newestFirst = false }.first == 15)
            let files = try FileManager.default.contentsOfDirectory(atPath: path + "/data").filter {
                $0.hasPrefix("audit-")
            }
            #expect(!files.contains { $0.hasPrefix("audit-00000000000000000001-") }, "\(files)")
            try await store.close()
        }
    }

    @Test func withoutAnArchiveCommitsApplyAndOnlyMemoryAnswers() async throws {
        try await withTemporaryDirectory { path in
            var configuration = Self.archiving(path)
            configuration.auditArchiveRetention = nil
            let store = try EmbeddedStore(configuration: configuration)
            try await store.apply([.account(Sample.account(1))] + (1...30).map { Self.event($0) })
            #expect(store.withDirectory { $0.account(username: "user1") } != nil, "the commit was applied")
            #expect(try await Self.sequences(store) { _ in }.count == 16, "the six logins and the latest ten others")
            let files = try FileManager.default.contentsOfDirectory(atPath: path + "/data")
            #expect(!files.contains { $0.hasPrefix("audit-") }, "\(files)")
            try await store.close()
        }
    }
}
