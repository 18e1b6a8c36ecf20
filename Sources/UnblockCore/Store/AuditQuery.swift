// Which audit events a reader asks for: by user, target, action and time, a page at a time.

/// A filter over the audit trail, and the order and size of the page it returns.
public struct AuditQuery: Sendable, Equatable {
    /// Events whose actor or target is this user.
    public var user: String?
    /// Events whose target is this (a card's id, a username, a profile's name).
    public var target: String?
    /// Events of this action (`unblock-pin-offline`, `authenticate`, `set-card-state`, ...).
    public var action: String?
    public var since: Timestamp?
    public var until: Timestamp?
    /// Only events with a sequence strictly between these (paging, and following the trail).
    public var afterSequence: UInt64 = 0
    public var beforeSequence: UInt64 = .max
    public var newestFirst = true
    public var limit = 100

    public init() {}

    /// Whether `event` passes every filter but the sequence bounds.
    public func matches(_ event: AuditEvent) -> Bool {
        if let user, event.actor != user && event.target != user { return false }
        if let target, event.target != target { return false }
        if let action, event.action != action { return false }
        if let since, event.at < since { return false }
        if let until, event.at > until { return false }
        return true
    }
}

extension Directory {
    /// The events of the in-memory trails that `query` asks for, merged by sequence.
    public func auditEvents(_ query: AuditQuery) -> [AuditEvent] {
        guard query.limit > 0 else { return [] }
        var found: [AuditEvent] = []
        // Each trail is in sequence order: start where the bound falls, walk in the asked
        // order, and merge the two walks.
        var walks = [recentAudit, recentLogins].map { trail in
            TrailWalk(trail: trail, query: query)
        }
        while found.count < query.limit {
            let candidates = walks.indices.compactMap { index in walks[index].peek.map { (index, $0) } }
            guard
                let (index, event) = query.newestFirst
                    ? candidates.max(by: { $0.1.sequence < $1.1.sequence })
                    : candidates.min(by: { $0.1.sequence < $1.1.sequence })
            else { break }
            walks[index].advance()
            if query.matches(event) { found.append(event) }
        }
        return found
    }
}

/// A walk over one trail within a query's sequence bounds, in its order.
private struct TrailWalk {
    let trail: AuditTrail
    let query: AuditQuery
    var position: Int

    init(trail: AuditTrail, query: AuditQuery) {
        self.trail = trail
        self.query = query
        // The first event past the lower bound; the walk backwards starts below the upper one.
        let lower = trail.partitioningIndex { $0.sequence > query.afterSequence }
        let upper = trail.partitioningIndex { $0.sequence >= query.beforeSequence }
        position = query.newestFirst ? upper - 1 : lower
        self.lowerBound = lower
        self.upperBound = upper
    }

    private let lowerBound: Int
    private let upperBound: Int

    var peek: AuditEvent? {
        (lowerBound..<upperBound).contains(position) ? trail[position] : nil
    }

    mutating func advance() { position += query.newestFirst ? -1 : 1 }
}

extension RandomAccessCollection {
    /// The first index whose element satisfies `belongs`, which is false for a prefix and
    /// true for the rest (a binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if belongs(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
