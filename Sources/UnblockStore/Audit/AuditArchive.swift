// The audit trail on disk for as long as its retention: appended in the background, synced every second.
import Dispatch
import Logging
import Synchronization
import UnblockCore
import UnblockProtobufBridge

#if canImport(Glibc)
    import Glibc
#endif

/// Every audit event the store applies, appended in sequence order to segment files in the
/// data directory (`audit-*.trail`, records framed and checksummed as the journal's), so that
/// the trail outlives what memory keeps. Written on a queue of its own, off the commit path;
/// synced every second and before the journals that also hold the events are removed. At
/// open, events the journal does not hold (a crash before they were durable) are cut off.
final class AuditArchive: Sendable {
    struct Settings: Sendable {
        /// Events older than this are removed, a whole segment at a time.
        var retention: Duration
        var eventsPerSegment = 50_000
        var syncInterval: Duration = .seconds(1)
    }

    /// What the commit path touches: a short lock, never held across I/O.
    private struct Pending {
        var events: [AuditEvent] = []
        var writeScheduled = false
        /// The last sequence appended or waiting to be.
        var lastSequence: UInt64 = 0
    }

    /// The files, changed on the archive's queue only.
    private struct State {
        /// Sealed segments, by first sequence.
        var sealed: [AuditSegment] = []
        var current: AuditSegment?
        var file: (any StorageFile)?
        var count = 0
        var firstAt: Int64 = 0
        var lastAt: Int64 = 0
        var currentLast: UInt64 = 0
        var dirty = false
    }

    private let folder: String
    private let storage: any Storage
    private let settings: Settings
    private let logger: Logger
    private let pending: Mutex<Pending>
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "unblock.store.audit", qos: .utility)
    /// Queries read segments here: never on the caller's thread (an event loop).
    private let reads = DispatchQueue(label: "unblock.store.audit.reads", qos: .utility, attributes: .concurrent)
    private let timer: Mutex<(any DispatchSourceTimer)?> = Mutex(nil)

    /// Opens the archive in `folder`, keeping only events below `nextSequence` (those the
    /// recovered store holds).
    init(folder: String, storage: any Storage, settings: Settings, logger: Logger, nextSequence: UInt64)
        throws(StoreError)
    {
        self.folder = folder
        self.storage = storage
        self.settings = settings
        self.logger = logger
        var segments = try storage.list(folder).compactMap { AuditSegment(name: $0) }.sorted { $0.first < $1.first }
        var state = State()
        // Segments that begin past what the store holds were written before a crash: gone.
        while let last = segments.last, last.first >= nextSequence {
            try storage.remove("\(folder)/\(last.name)")
            segments.removeLast()
        }
        // The newest segment is written on (a sealed one that runs past the store, reopened).
        if let last = segments.last {
            var current = last
            if let sealed = last.sealed, sealed.last >= nextSequence {
                current = AuditSegment(first: last.first)
                try storage.rename("\(folder)/\(last.name)", to: "\(folder)/\(current.name)")
            }
            if current.sealed == nil {
                segments.removeLast()
                try Self.reopen(current, in: folder, storage: storage, below: nextSequence, into: &state)
            }
        }
        state.sealed = segments
        let last = state.current != nil && state.count > 0 ? state.currentLast : segments.last?.sealed?.last ?? 0
        self.state = Mutex(state)
        self.pending = Mutex(Pending(lastSequence: last))
        startSyncTimer()
    }

    /// Scans the segment being written: keeps its records below `nextSequence` and cuts the
    /// rest (and a torn tail) off, then opens it to append.
    private static func reopen(
        _ segment: AuditSegment, in folder: String, storage: any Storage, below nextSequence: UInt64,
        into state: inout State
    ) throws(StoreError) {
        let path = "\(folder)/\(segment.name)"
        let bytes = try storage.read(path)
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while case .record(let payload, let next) = RecordFraming.read(raw, at: offset),
                let event = try? StoredAuditEvent(serializedBytes: UnsafeRawBufferPointer(rebasing: raw[payload]))
                    .value,
                event.sequence < nextSequence
            {
                if state.count == 0 { state.firstAt = event.at.milliseconds }
                state.count += 1
                state.lastAt = event.at.milliseconds
                state.currentLast = event.sequence
                offset = next
            }
        }
        if offset < bytes.count { try storage.truncate(path, to: offset) }
        state.current = segment
        state.file = try storage.openForWriting(path, at: offset)
    }

    /// The last sequence archived or queued.
    var lastSequence: UInt64 { pending.withLock { $0.lastSequence } }

    /// Queues events to append, in sequence order. Called as they are applied.
    func append(_ events: [AuditEvent]) {
        guard let last = events.last else { return }
        let schedule = pending.withLock { pending in
            pending.events += events
            pending.lastSequence = last.sequence
            defer { pending.writeScheduled = true }
            return !pending.writeScheduled
        }
        if schedule { queue.async { self.write() } }
    }

    /// Appends what is queued (on the queue).
    private func write() {
        let events = pending.withLock { pending in
            defer {
                pending.events = []
                pending.writeScheduled = false
            }
            return pending.events
        }
        guard !events.isEmpty else { return }
        do {
            try state.withLock { state throws(StoreError) in
                var bytes: [UInt8] = []
                for event in events {
                    if state.current == nil || state.count >= settings.eventsPerSegment {
                        try flush(&bytes, &state)
                        try seal(&state)
                        let segment = AuditSegment(first: event.sequence)
                        state.file = try storage.create("\(folder)/\(segment.name)")
                        state.current = segment
                        state.count = 0
                        state.firstAt = event.at.milliseconds
                    }
                    RecordFraming.append(StoredAuditEvent(value: event).serializedBytes(), to: &bytes)
                    state.count += 1
                    state.lastAt = event.at.milliseconds
                    state.currentLast = event.sequence
                }
                try flush(&bytes, &state)
            }
        } catch {
            logger.error("the audit archive could not be written; the journal still holds the events: \(error)")
        }
    }

    private func flush(_ bytes: inout [UInt8], _ state: inout State) throws(StoreError) {
        guard !bytes.isEmpty, let file = state.file else { return }
        let written = bytes.withUnsafeBytes { raw in Result { () throws(StoreError) in try file.append(raw) } }
        try written.get()
        bytes.removeAll(keepingCapacity: true)
        state.dirty = true
    }

    /// Syncs and renames the segment being written, if any.
    private func seal(_ state: inout State) throws(StoreError) {
        guard let current = state.current, let file = state.file else { return }
        try file.sync()
        file.close()
        let sealed = AuditSegment(first: current.first, sealed: (state.currentLast, state.firstAt, state.lastAt))
        try storage.rename("\(folder)/\(current.name)", to: "\(folder)/\(sealed.name)")
        try storage.syncDirectory(folder)
        state.sealed.append(sealed)
        state.current = nil
        state.file = nil
        state.dirty = false
    }

    /// Makes every event queued so far durable in the archive.
    func sync() throws {
        try queue.sync {
            write()
            try state.withLock { state throws(StoreError) in
                guard state.dirty, let file = state.file else { return }
                try file.sync()
                state.dirty = false
            }
        }
    }

    /// Removes the sealed segments whose every event is older than the retention.
    func prune(now: Timestamp) throws {
        let horizon = (now - settings.retention).milliseconds
        try queue.sync {
            try state.withLock { state throws(StoreError) in
                while let oldest = state.sealed.first, let sealed = oldest.sealed, sealed.lastAt < horizon {
                    try storage.remove("\(folder)/\(oldest.name)")
                    state.sealed.removeFirst()
                }
            }
        }
    }

    /// The archived events `query` asks for among those below sequence `floor` (read off the
    /// caller's thread).
    func events(_ query: AuditQuery, below floor: UInt64) async throws -> [AuditEvent] {
        try await withCheckedThrowingContinuation { continuation in
            reads.async {
                continuation.resume(with: Result { () throws(StoreError) in try self.readEvents(query, below: floor) })
            }
        }
    }

    /// Reads one segment at a time, in the query's order, and only the segments its bounds can reach.
    private func readEvents(_ query: AuditQuery, below floor: UInt64) throws(StoreError) -> [AuditEvent] {
        let upper = min(query.beforeSequence, floor)
        guard query.limit > 0, upper > query.afterSequence + 1 else { return [] }
        let segments: [AuditSegment] = queue.sync {
            write()
            return state.withLock { state in state.sealed + (state.current.map { [$0] } ?? []) }
        }
        var reachable = segments.filter { segment in
            guard segment.first < upper else { return false }
            guard let sealed = segment.sealed else { return true }
            if sealed.last <= query.afterSequence { return false }
            if let since = query.since, sealed.lastAt < since.milliseconds { return false }
            if let until = query.until, sealed.firstAt > until.milliseconds { return false }
            return true
        }
        if query.newestFirst { reachable.reverse() }
        // A record that lacks a filter's text cannot match: it is skipped without being decoded.
        let needles = [query.user, query.target, query.action].compactMap { $0.map { Array($0.utf8) } }
        var found: [AuditEvent] = []
        for segment in reachable {
            var events = try segmentEvents(segment, containing: needles).filter {
                $0.sequence > query.afterSequence && $0.sequence < upper && query.matches($0)
            }
            if query.newestFirst { events.reverse() }
            found += events.prefix(query.limit - found.count)
            if found.count == query.limit { break }
        }
        return found
    }

    /// The events of a segment whose records contain every one of `needles`.
    private func segmentEvents(_ segment: AuditSegment, containing needles: [[UInt8]]) throws(StoreError)
        -> [AuditEvent]
    {
        let bytes = try storage.read("\(folder)/\(segment.name)")
        var events: [AuditEvent] = []
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while case .record(let payload, let next) = RecordFraming.read(raw, at: offset) {
                offset = next
                let record = UnsafeRawBufferPointer(rebasing: raw[payload])
                guard needles.allSatisfy({ Self.contains(record, $0) }) else { continue }
                guard let event = try? StoredAuditEvent(serializedBytes: record).value else { break }
                events.append(event)
            }
        }
        return events
    }

    /// Whether `needle`'s bytes occur in `record` (memchr to each candidate, then memcmp).
    private static func contains(_ record: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard let base = record.baseAddress, record.count >= needle.count else { return false }
        let last = record.count - needle.count
        return needle.withUnsafeBytes { needle in
            var start = 0
            while start <= last {
                guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return false }
                if memcmp(hit, needle.baseAddress!, needle.count) == 0 { return true }
                start = UnsafeRawPointer(hit) - base + 1
            }
            return false
        }
    }

    /// Stops the timer and makes everything durable.
    func close() throws {
        timer.withLock { $0?.cancel() }
        try sync()
        state.withLock { $0.file?.close() }
    }

    private func startSyncTimer() {
        let seconds =
            Double(settings.syncInterval.components.seconds) + Double(settings.syncInterval.components.attoseconds)
            / 1e18
        timer.withLock { slot in
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + seconds, repeating: seconds)
            timer.setEventHandler { [weak self] in
                guard let self else { return }
                do {
                    self.write()
                    try self.state.withLock { state throws(StoreError) in
                        guard state.dirty, let file = state.file else { return }
                        try file.sync()
                        state.dirty = false
                    }
                } catch {
                    self.logger.error("the audit archive could not be synced: \(error)")
                }
            }
            timer.resume()
            slot = timer
        }
    }
}
