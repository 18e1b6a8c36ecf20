// Where the services meet the store: reads, and commits that decide on the latest state.

/// What the services need of a store.
///
/// Reads see one consistent `DirectoryView`. A commit runs its transaction on the latest
/// state, with no other commit between its decision and its write (so that a rate limit
/// sees every earlier commit), and returns once the change is durable; a transaction that
/// returns no mutations writes nothing. The embedded store keeps the directory in memory
/// and answers reads at once (`readsImmediately`); a database store may not, and then the
/// server runs the calls that read on tasks instead of on the event loops.
public protocol DirectoryStore: AnyObject, Sendable {
    /// Whether commits are accepted now (false after a disk failure, or once closed).
    var isWritable: Bool { get }

    /// Whether `readNow` may be called: reads complete at once, without waiting.
    var readsImmediately: Bool { get }

    /// Reads at once on the caller's thread (an event loop may call it). Only when
    /// `readsImmediately`.
    /// - Throws: what `body` throws, or the store's error when it cannot answer (a database
    ///   store whose copy is no longer known to be current).
    func readNow<Result>(_ body: (any DirectoryView) throws -> Result) throws -> Result

    /// Reads the directory as it is now.
    func read<Result: Sendable>(_ body: (any DirectoryView) throws -> Result) async throws -> Result

    /// Commits the mutations `transaction` derives from the latest state; returns its result
    /// once they are durable. A store may run `transaction` later, elsewhere, or more than once
    /// (a database store runs it again when another node committed first): it only reads.
    /// - Throws: whatever `transaction` throws (nothing is applied), or the store's error when
    ///   it cannot write.
    func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result)
    ) async throws -> Result

    /// The audit events `query` asks for, and the sequence of the last event recorded (to
    /// follow the trail from).
    func auditEvents(_ query: AuditQuery) async throws -> (events: [AuditEvent], lastSequence: UInt64)

    /// Like `commit`, for callers that are not tasks (a crypto worker finishing a batch):
    /// `completion` gets the result once the mutations are durable, or the error.
    func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result),
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    )

    /// Stops accepting commits, finishes those under way, and releases what the store holds.
    func close() async throws
}
