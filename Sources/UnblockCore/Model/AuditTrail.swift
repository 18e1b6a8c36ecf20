// The recent audit events, oldest first, in chunks: a change to a shared copy copies one chunk, not the trail.
import DequeModule

/// The directory's audit trail (up to its retention, 100,000 events by default). Like the
/// large tables (`ShardedDictionary`), it is shared with a snapshot while one is written;
/// as one array, the first event recorded after that would copy all of it under the store's
/// exclusive lock. In chunks of 1,024 events, an append copies at most the last
/// chunk, and dropping the oldest events drops whole chunks.
public struct AuditTrail: Sendable {
    static let chunkSize = 1_024

    /// Every chunk is full but the last; the first starts `head` events in.
    private var chunks: Deque<[AuditEvent]> = []
    private var head = 0
    /// Events in the trail.
    public private(set) var count = 0

    init() {}

    /// Adds `event` as the newest.
    mutating func append(_ event: AuditEvent) {
        if let last = chunks.indices.last, chunks[last].count < Self.chunkSize {
            chunks[last].append(event)
        } else {
            var chunk: [AuditEvent] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunk.append(event)
            chunks.append(chunk)
        }
        count += 1
    }

    /// Forgets the `k` oldest events.
    mutating func removeFirst(_ k: Int) {
        precondition(k >= 0 && k <= count, "cannot remove \(k) of \(count) audit events")
        count -= k
        head += k
        while let first = chunks.first, head >= first.count {
            head -= first.count
            chunks.removeFirst()
        }
        if count == 0 { (chunks, head) = ([], 0) }
    }
}

extension AuditTrail: RandomAccessCollection {
    /// Positions run from 0 (the oldest event kept) to `count`.
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The event at `position`, 0 being the oldest kept.
    public subscript(position: Int) -> AuditEvent {
        precondition(position >= 0 && position < count, "audit event \(position) of \(count)")
        let absolute = head + position
        return chunks[absolute / Self.chunkSize][absolute % Self.chunkSize]
    }
}

extension AuditTrail: Equatable {
    /// The same events in the same order.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}
