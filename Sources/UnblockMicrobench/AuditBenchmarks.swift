// The audit trail's queries over 1,000,000 events in memory: a page, filtered several ways.
import UnblockCore

enum AuditBenchmarks {
    /// A directory holding `count` audit events (and as many kept): logins and unblocks of
    /// 10,000 users on 10,000 cards, and a rare administrative change every 1,000.
    static func directory(events count: Int) -> Directory {
        var directory = Directory(auditRetention: count)
        for index in 0..<count {
            let user = "user\(index % 10_000)"
            let event: AuditEvent =
                if index % 1_000 == 999 {
                    AuditEvent(
                        at: Timestamp(milliseconds: Int64(index)), actor: "desk", action: "set-card-state",
                        target: "c-\(index % 10_000)", outcome: "success", detail: "from=active to=suspended")
                } else if index % 2 == 0 {
                    AuditEvent(
                        at: Timestamp(milliseconds: Int64(index)), actor: user, action: AuditEvent.loginAction,
                        target: user, outcome: "success", detail: "client=uid 1000")
                } else {
                    AuditEvent(
                        at: Timestamp(milliseconds: Int64(index)), actor: user, action: "unblock-pin-offline",
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
