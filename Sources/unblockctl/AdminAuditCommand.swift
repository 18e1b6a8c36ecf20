// `unblockctl admin audit`: the audit trail by filter, newest last, or followed as it grows.
import ArgumentParser
import Foundation
import UnblockWire

struct AdminAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit trail (help desk and administrators).",
        discussion: "Times are shown in the local time zone; --since and --until take 30m, 24h, 7d or an ISO 8601 time."
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Events this user made or that were about them.")
    var user: String?

    @Option(help: "Events about the card with this serial.")
    var card: String?

    @Option(help: "Events of this type, e.g. authenticate, unblock-pin-offline, set-card-state.")
    var type: String?

    @Option(help: "From this long ago (30m, 24h, 7d) or this time (2026-12-01T08:00:00Z).")
    var since: String?

    @Option(help: "Up to this long ago or this time.")
    var until: String?

    @Option(help: "At most this many events (the most recent).")
    var limit: Int = 50

    @Flag(help: "Then print events as they happen, until Ctrl-C.")
    var follow = false

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Self.time(value, now: .now) == nil {
                throw ValidationError("\(name) takes 30m, 24h, 7d or an ISO 8601 time such as 2026-12-01T08:00:00Z")
            }
        }
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit is from 1 to 100000") }
    }

    func run() async throws {
        let now = Date.now
        var request = ListAuditEventsRequest(
            user: user ?? "", cardSerial: card ?? "", action: type ?? "",
            sinceUnixMilliseconds: since.flatMap { Self.time($0, now: now) }.map(Self.milliseconds) ?? 0,
            untilUnixMilliseconds: until.flatMap { Self.time($0, now: now) }.map(Self.milliseconds) ?? 0,
            pageSize: UInt32(min(limit, 1_000)))
        let (events, last) = try await connection.withAdminClient { client in
            var events: [AuditEventRecord] = []
            var last: UInt64 = 0
            repeat {
                let page = try await client.listAuditEvents(request)
                events += page.events
                last = page.lastSequence
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty && events.count < limit
            return (Array(events.prefix(limit).reversed()), last)
        }
        print(events, header: true)
        guard follow else { return }
        var after = max(last, events.last?.sequence ?? 0)
        request.pageToken = ""
        request.pageSize = 1_000
        try await connection.withAdminClient { client in
            while true {
                request.afterSequence = after
                request.waitMilliseconds = 25_000
                let page = try await client.listAuditEvents(request, timeout: .seconds(35))
                print(page.events, header: false)
                after = max(after, page.events.last?.sequence ?? 0)
            }
        }
    }

    private func print(_ events: [AuditEventRecord], header: Bool) {
        if connection.json {
            for event in events {
                printJSON([
                    "sequence": event.sequence, "at": Wording.iso(milliseconds: event.atUnixMilliseconds) ?? "",
                    "actor": event.actor, "action": event.action, "target": event.target, "outcome": event.outcome,
                    "detail": event.detail,
                ])
            }
            fflush(nil)
            return
        }
        if events.isEmpty {
            if header && !follow { Swift.print("No audit events.") }
            return
        }
        let rows = events.map { event in
            [
                Wording.date(milliseconds: event.atUnixMilliseconds).map { Self.stamp.string(from: $0) } ?? "-",
                event.actor, event.action, event.target, event.outcome, event.detail,
            ]
        }
        let table = Table.render(header: ["TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME", "DETAIL"], rows: rows)
        // The header once: a follower's later lines go on under it.
        Swift.print(header ? table : table.split(separator: "\n").dropFirst().joined(separator: "\n"))
        fflush(nil)
    }

    private static let stamp: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

    /// "30m", "24h", "7d" before `now`, or an ISO 8601 time.
    static func time(_ text: String, now: Date) -> Date? {
        let units: [Character: Double] = ["m": 60, "h": 3_600, "d": 86_400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 {
            return now - count * unit
        }
        return try? Date(text, strategy: .iso8601)
    }

    static func milliseconds(_ date: Date) -> UInt64 { UInt64(max(0, date.timeIntervalSince1970 * 1_000)) }
}
