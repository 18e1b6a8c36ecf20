// The audit trail's queries over 1,000,000 events in memory: a page, filtered several ways.
import UnblockCore
import UnblockStore

enum AuditBenchmarks {
    /// A directory holding `count` audit events (and as many kept): logins and unblocks of
    /// 10,000 users on 10,000 cards, and a rare administrative change every 1,000.
    static func directory(events count: Int) -> Directory {
        var directory = Directory(auditRetention: count)
        // A millisecond apart, up to now: within any retention.
        let start = Timestamp.now.milliseconds - Int64(count)
        for index in 0..<count {
            let user = "user\(index % 10_000)"
            let event: AuditEvent =
                if index % 1_000 == 999 {
                    AuditEvent(
                        at: Timestamp(milliseconds: start + Int64(index)), actor: "desk", action: "set-card-state",
                        target: "c-\(index % 10_000)", outcome: "success", detail: "from=active to=suspended")
                } else if index % 2 == 0 {
                    AuditEvent(
                        at: Timestamp(milliseconds: start + Int64(index)), actor: user, action: AuditEvent.loginAction,
                        target: user, outcome: "success", detail: "client=uid 1000")
                } else {
                    AuditEvent(
                        at: Timestamp(milliseconds: start + Int64(index)), actor: user, action: "unblock-pin-offline",
                        target: "c-\(index % 10_000)", outcome: "success", detail: "serial=04 keyVersion=1")
                }
            directory.apply(.audit(event))
        }
        return directory
    }

    static func run() -> [Measurement] {
        let directory = directory(events: 1_000_000)
        func page(_ configure: (inout AuditQuery) -> Void) -> AuditQuery {
            var query = AuditQuery()
            configure(&query)
            return query
        }
        let queries: [(String, AuditQuery)] = [
            ("audit: newest 100 of 1,000,000", page { _ in }),
            ("audit: one user's newest 100 (1 event in 10,000)", page { $0.user = "user4242" }),
            ("audit: one card's newest 100", page { $0.target = "c-4243" }),
            ("audit: an action, newest 100 (1 in 1,000)", page { $0.action = "set-card-state" }),
            ("audit: no match (every event read)", page { $0.user = "nobody" }),
        ]
        return queries.map { name, query in
            measure(name, target: "<= 50 ms", samples: 9, operations: 1) {
                precondition(directory.auditEvents(query).count <= 100)
            }
        }
    }
}

extension AuditBenchmarks {
    /// The same queries on a store of 1,000,000 events, 100,000 of each kind in memory and
    /// the rest in its archive files (written by 1,000 commits of 1,000 events).
    static func runOnStore(in folder: String) async throws -> [Measurement] {
        var configuration = EmbeddedStore.Configuration(dataDirectory: folder + "/data")
        configuration.logger.logLevel = .warning
        configuration.fsync = .none
        let store = try EmbeddedStore(configuration: configuration)
        let source = directory(events: 1_000_000)
        let events = source.recentAudit.map { $0 } + source.recentLogins.map { $0 }
        let ordered = events.sorted { $0.sequence < $1.sequence }.map { event -> Mutation in
            var fresh = event
            fresh.sequence = 0
            return .audit(fresh)
        }
        for first in stride(from: 0, to: ordered.count, by: 1_000) {
            try await store.commit { _ in (Array(ordered[first..<min(ordered.count, first + 1_000)]), ()) }
        }
        try await store.snapshot()
        func page(_ configure: (inout AuditQuery) -> Void) -> AuditQuery {
            var query = AuditQuery()
            configure(&query)
            return query
        }
        let queries: [(String, AuditQuery)] = [
            ("audit store: newest 100 (memory)", page { _ in }),
            ("audit store: oldest 100 (an archive file)", page { $0.newestFirst = false }),
            ("audit store: one user's newest 100 (all)", page { $0.user = "user4242" }),
            (
                "audit store: an action, oldest 100 (files)",
                page {
                    $0.action = "set-card-state"; $0.newestFirst = false
                }
            ),
        ]
        var results: [Measurement] = []
        for (name, query) in queries {
            results.append(
                try await measureAsync(name, target: "<= 50 ms", samples: 3, operations: 1) {
                    _ = try await store.auditEvents(query)
                })
        }
        try await store.close()
        return results
    }
}
