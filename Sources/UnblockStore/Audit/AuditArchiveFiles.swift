// Names of the audit archive's segment files, and what their names say.

/// One segment of the audit archive: events in sequence order. The segment being written is
/// named by its first sequence; a full one is renamed with its last sequence and the times of
/// its first and last events, so that a query or the retention skips it by name alone.
struct AuditSegment: Sendable, Equatable {
    var first: UInt64
    /// Nil while the segment is being written.
    var sealed: (last: UInt64, firstAt: Int64, lastAt: Int64)?

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.first == rhs.first && lhs.sealed?.last == rhs.sealed?.last && lhs.sealed?.firstAt == rhs.sealed?.firstAt
            && lhs.sealed?.lastAt == rhs.sealed?.lastAt
    }

    var name: String {
        guard let sealed else { return "audit-\(Self.padded(first)).trail" }
        return "audit-\(Self.padded(first))-\(Self.padded(sealed.last))-\(sealed.firstAt)-\(sealed.lastAt).trail"
    }

    /// The segment a file name stands for, or nil for other files.
    init?(name: String) {
        guard name.hasPrefix("audit-"), name.hasSuffix(".trail") else { return nil }
        let parts = name.dropFirst("audit-".count).dropLast(".trail".count).split(separator: "-")
        guard let first = parts.first.flatMap({ UInt64($0) }) else { return nil }
        self.first = first
        switch parts.count {
        case 1: sealed = nil
        case 4:
            guard let last = UInt64(parts[1]), let firstAt = Int64(parts[2]), let lastAt = Int64(parts[3]) else {
                return nil
            }
            sealed = (last, firstAt, lastAt)
        default: return nil
        }
    }

    init(first: UInt64, sealed: (last: UInt64, firstAt: Int64, lastAt: Int64)? = nil) {
        self.first = first
        self.sealed = sealed
    }

    private static func padded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
