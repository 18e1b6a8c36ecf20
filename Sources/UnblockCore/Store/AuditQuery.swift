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
    /// The events of the in-memory trails that `query` asks for. Each trail is in sequence
    /// order: the first `limit` matches of each, in the asked order, merged, are the answer.
    public func auditEvents(_ query: AuditQuery) -> [AuditEvent] {
        guard query.limit > 0 else { return [] }
        // Logins have a trail of their own: an action names one trail or the other.
        let trails =
            switch query.action {
            case AuditEvent.loginAction?: [recentLogins]
            case _?: [recentAudit]
            case nil: [recentAudit, recentLogins]
            }
        let found = trails.map { $0.matches(query) }
        guard found.count == 2 else { return found.first ?? [] }
        var merged: [AuditEvent] = []
        merged.reserveCapacity(min(query.limit, found[0].count + found[1].count))
        var (left, right) = (found[0].startIndex, found[1].startIndex)
        while merged.count < query.limit && (left < found[0].endIndex || right < found[1].endIndex) {
            let takeLeft =
                right == found[1].endIndex
                || (left < found[0].endIndex
                    && (found[0][left].sequence > found[1][right].sequence) == query.newestFirst)
            if takeLeft {
                merged.append(found[0][left])
                left += 1
            } else {
                merged.append(found[1][right])
                right += 1
            }
        }
        return merged
    }
}

extension AuditTrail {
    /// The first `query.limit` events of this trail that match, in the query's order, within
    /// its sequence bounds (found by binary search).
    func matches(_ query: AuditQuery) -> [AuditEvent] {
        let lower = partitioningIndex { $0.sequence > query.afterSequence }
        let upper = partitioningIndex { $0.sequence >= query.beforeSequence }
        guard lower < upper else { return [] }
        var found: [AuditEvent] = []
        if query.newestFirst {
            for position in stride(from: upper - 1, through: lower, by: -1) where query.matches(self[position]) {
                found.append(self[position])
                if found.count == query.limit { break }
            }
        } else {
            for position in lower..<upper where query.matches(self[position]) {
                found.append(self[position])
                if found.count == query.limit { break }
            }
        }
        return found
    }
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
