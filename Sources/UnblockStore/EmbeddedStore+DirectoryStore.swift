// The embedded store as the services see it: the store protocol, over the directory in memory and the audit archive.
import UnblockCore

extension EmbeddedStore {
    /// In memory: every read completes at once.
    public var readsImmediately: Bool { true }

    public func readNow<Result>(_ body: (any DirectoryView) throws -> Result) rethrows -> Result {
        try state.withReadLock { state in try body(state.directory) }
    }

    public func read<Result: Sendable>(_ body: (any DirectoryView) throws -> Result) async throws -> Result {
        try state.withReadLock { state in try body(state.directory) }
    }

    public func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result)
    ) async throws -> Result {
        try await commit { (directory: Directory) in try transaction(directory) }
    }

    /// From the trails in memory, and below what they hold, from the archive on disk.
    public func auditEvents(_ query: AuditQuery) async throws -> (events: [AuditEvent], lastSequence: UInt64) {
        let (floor, last) = withDirectory { ($0.auditMemoryFloor, $0.nextAuditSequence - 1) }
        guard let archive else { return (withDirectory { $0.auditEvents(query) }, last) }
        var inMemory = query
        inMemory.afterSequence = max(query.afterSequence, floor == 0 ? 0 : floor - 1)
        let recent = withDirectory { $0.auditEvents(inMemory) }
        // Below the floor, only the archive has them all.
        guard floor > 0, query.afterSequence + 1 < floor else { return (recent, last) }
        if query.newestFirst {
            guard recent.count < query.limit else { return (recent, last) }
            var older = query
            older.limit = query.limit - recent.count
            return (recent + (try await archive.events(older, below: floor)), last)
        }
        let archived = try await archive.events(query, below: floor)
        return (archived + recent.prefix(query.limit - archived.count), last)
    }

    public func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result),
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    ) {
        commit({ (directory: Directory) in try transaction(directory) }, completion: completion)
    }
}
