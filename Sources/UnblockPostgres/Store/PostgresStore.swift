// The shared store: PostgreSQL holds the directory; each node keeps a copy in memory that follows every commit.
import DequeModule
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import UnblockCore
import UnblockCrypto
import UnblockStore
import UnblockWire

/// The directory in PostgreSQL, for several unblockd nodes.
///
/// Each node reads from its own copy of the directory in memory (the calls read at once, as
/// with the embedded store), which follows the database: every commit is a row of the change
/// log, announced by NOTIFY and polled for besides, so a change reaches every node within
/// `freshness`; a copy not confirmed current for that long refuses reads (UNAVAILABLE).
///
/// Commits decide on the latest state, never on a cached one: a node queues its commits and
/// writes them in batches, each in one transaction that first locks the single row of
/// `unblock_state` (so the commits of all nodes form one sequence), brings the copy up to the
/// database's last commit, runs the batch's transactions on it, and writes their changes.
/// `issued_responses` has a key on (card, challenge): a challenge answered on another node is
/// refused by the database itself. A commit returns once PostgreSQL has committed it
/// (`synchronous_commit` is set on for the store's connections).
public final class PostgresStore: DirectoryStore {
    public struct Configuration: Sendable {
        public var settings: PostgresSettings
        /// The keys that seal and derive the cards' keys: the same on every node (checked).
        public var masterKeys: MasterKeys
        /// Audit events of each kind kept in memory.
        public var auditRetention = 100_000
        /// How long audit events stay in the database; nil keeps them.
        public var auditArchiveRetention: Duration? = .seconds(400 * 86_400)
        /// Where this node's audit events also go (each node sends those of its own commits).
        public var auditObservers: [any AuditObserver] = []
        /// How long rows of the change log are kept for nodes that fall behind (one that falls
        /// further behind loads the directory again).
        public var changeLogRetention: Duration = .seconds(300)
        /// The longest this node answers from its copy without an answer to its poll, while
        /// its connection to the database stays open; past it (or at once when the connection
        /// breaks), calls fail with UNAVAILABLE and Health says NOT_SERVING. Changes arrive far
        /// sooner (NOTIFY, and the poll). Not one second: on a machine saturated by a load test
        /// the database took 0.3 to 2 s to answer even a trivial query (Benchmarks/HISTORY.md).
        public var freshness: Duration = .seconds(10)
        /// How often the copy asks for commits when no notification came.
        public var pollInterval: Duration = .milliseconds(200)
        /// Commits written in one transaction at most.
        public var maximumBatch = 512
        /// Commits waiting at most; more are refused (UNAVAILABLE) rather than queued without end.
        public var maximumQueued = 20_000
        public var logger = Logger(label: "unblock.store")

        public init(settings: PostgresSettings, masterKeys: MasterKeys) {
            self.settings = settings
            self.masterKeys = masterKeys
        }
    }

    struct Replica {
        var directory: Directory
        var lastSequence: UInt64
        /// When the copy was last known to hold every commit of the database.
        var confirmedAt: ContinuousClock.Instant
        /// Whether the follower's connection is open (it listens for every commit).
        var following = true
        var closed = false
        /// The change log no longer has what the copy misses: it must be loaded again.
        var needsReload = false
    }

    let configuration: Configuration
    /// Read by every call (from every event loop), changed by the committer and the follower:
    /// a lock that prefers its writers, so that a stream of reads cannot keep a change out.
    let replica: ReadWriteLock<Replica>
    let committerConnection: DatabaseConnection
    let followerConnection: DatabaseConnection
    /// Audit queries and session lookups.
    let lookupConnection: DatabaseConnection
    let queue = Mutex(CommitQueue())
    /// One thread for the store's connections and its two tasks (the committer, the follower):
    /// a statement's answer resumes its task on the thread that read it, never behind the
    /// calls queued on the shared pool of tasks.
    private let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let wakeCommitter: AsyncStream<Void>.Continuation
    private let workers: Mutex<[Task<Void, Never>]> = Mutex([])
    /// Told of the sessions other nodes end (`SessionRecords.onEnded`).
    let sessionHandlers = Mutex<[@Sendable (EndedSessions) -> Void]>([])
    public var masterKeys: MasterKeys { configuration.masterKeys }
    var logger: Logger { configuration.logger }

    /// Connects, applies the schema's migrations, checks the master key and loads the directory.
    /// - Throws: `StoreError` (`.unavailable` naming what PostgreSQL said, `.conflict` for
    ///   another master key or a newer schema).
    public static func open(configuration: Configuration) async throws -> PostgresStore {
        let logger = configuration.logger
        let connection = DatabaseConnection(settings: configuration.settings, logger: logger)
        do {
            let (directory, sequence) = try await connection.use { connection in
                do {
                    let applied = try await SchemaMigrations.apply(on: connection, logger: logger)
                    if !applied.isEmpty { logger.info("schema migrated", metadata: ["versions": "\(applied)"]) }
                    try await MasterKeyCheck.verify(configuration.masterKeys.checkValue, on: connection, logger: logger)
                } catch let error as SchemaError {
                    throw StoreError(code: .conflict, message: error.description)
                }
                return try await DirectoryLoader.load(
                    on: connection, auditRetention: configuration.auditRetention, logger: logger)
            }
            await connection.close()
            let store = PostgresStore(configuration: configuration, directory: directory, sequence: sequence)
            logger.info(
                "store opened",
                metadata: [
                    "database": "\(configuration.settings.description)", "sequence": "\(sequence)",
                    "accounts": "\(directory.accounts.count)", "cards": "\(directory.cards.count)",
                ])
            return store
        } catch {
            await connection.close()
            throw error
        }
    }

    private init(configuration: Configuration, directory: Directory, sequence: UInt64) {
        self.configuration = configuration
        self.replica = ReadWriteLock(Replica(directory: directory, lastSequence: sequence, confirmedAt: .now))
        let (settings, logger, loop) = (configuration.settings, configuration.logger, eventLoopGroup.next())
        committerConnection = DatabaseConnection(settings: settings, logger: logger, eventLoop: loop)
        followerConnection = DatabaseConnection(settings: settings, logger: logger, eventLoop: loop)
        lookupConnection = DatabaseConnection(settings: settings, logger: logger)
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeCommitter = wake
        let executor = EventLoopTaskExecutor(loop)
        workers.withLock { workers in
            workers = [
                Task(executorPreference: executor) { [self] in await runCommitter(wakeups) },
                Task(executorPreference: executor) { [self] in await follow() },
            ]
        }
    }

    // MARK: DirectoryStore

    /// Whether the copy is current and commits can be made.
    public var isWritable: Bool {
        replica.withReadLock { !$0.closed && !$0.needsReload && isFresh($0) }
    }

    /// The copy in memory answers at once.
    public var readsImmediately: Bool { true }

    public func readNow<Result>(_ body: (any DirectoryView) throws -> Result) throws -> Result {
        try body(try currentDirectory())
    }

    public func read<Result: Sendable>(_ body: (any DirectoryView) throws -> Result) async throws -> Result {
        try body(try currentDirectory())
    }

    public func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result)
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            commit(transaction) { continuation.resume(with: $0) }
        }
    }

    public func commit<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result),
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    ) {
        let pending = PendingCommit(transaction, completion: completion)
        // Under the replica's lock: `close()` sets `closed` under it, so nothing is queued after
        // the committer's last look at the queue.
        let refusal = replica.withReadLock { replica -> StoreError? in
            guard !replica.closed else { return StoreError(code: .failed, message: "the store is closed") }
            return queue.withLock { queue in
                guard queue.waiting.count < configuration.maximumQueued else {
                    return StoreError(code: .unavailable, message: "too many changes are waiting for PostgreSQL")
                }
                queue.waiting.append(pending)
                return nil
            }
        }
        if let refusal { return pending.fail(refusal) }
        wakeCommitter.yield()
    }

    /// Stops the committer once the queued commits are written, and the following.
    public func close() async throws {
        let wasOpen = replica.withLock { replica in
            defer { replica.closed = true }
            return !replica.closed
        }
        guard wasOpen else { return }
        wakeCommitter.finish()
        let tasks = workers.withLock { $0 }
        await tasks[0].value
        tasks[1].cancel()
        await tasks[1].value
        for observer in configuration.auditObservers { observer.flush() }
        await committerConnection.close()
        await followerConnection.close()
        await lookupConnection.close()
        try? await eventLoopGroup.shutdownGracefully()
    }

    // MARK: The copy

    /// Runs `body` on the copy in memory as it is, current or not (start-up, tests).
    public func withDirectory<Result>(_ body: (Directory) throws -> Result) rethrows -> Result {
        try body(replica.withReadLock { $0.directory })
    }

    /// The copy, when it is current.
    /// - Throws: `StoreError` `.unavailable` when it was not confirmed current within `freshness`.
    func currentDirectory() throws -> Directory {
        try replica.withReadLock { replica in
            guard isFresh(replica), !replica.needsReload else {
                throw StoreError(
                    code: .unavailable, message: "the directory cannot be confirmed current: PostgreSQL is unreachable")
            }
            return replica.directory
        }
    }

    private func isFresh(_ replica: Replica) -> Bool {
        replica.following && replica.confirmedAt.duration(to: .now) <= configuration.freshness
    }

    /// Applies the changes `records` (in sequence order) that follow the copy's last; returns
    /// false when one is missing (the copy must be loaded again).
    func apply(_ records: [(sequence: UInt64, mutations: [Mutation])], confirmedAt: ContinuousClock.Instant?) -> Bool {
        replica.withLock { replica in
            for record in records where record.sequence > replica.lastSequence {
                guard record.sequence == replica.lastSequence + 1 else {
                    replica.needsReload = true
                    return false
                }
                replica.directory.apply(record.mutations)
                replica.lastSequence = record.sequence
            }
            if let confirmedAt {
                replica.confirmedAt = max(replica.confirmedAt, confirmedAt)
                replica.following = true
            }
            return true
        }
    }
}

/// Commits waiting for the committer.
struct CommitQueue {
    var waiting: Deque<PendingCommit> = []
}

/// One queued commit: its transaction, run by the committer on the latest state, and what to
/// call with the outcome.
struct PendingCommit: Sendable {
    /// Runs the transaction; keeps its result for `succeed`.
    let decide: @Sendable (any DirectoryView) throws -> [Mutation]
    let succeed: @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void

    init<Result: Sendable>(
        _ transaction: @escaping @Sendable (any DirectoryView) throws -> (mutations: [Mutation], result: Result),
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    ) {
        let decided = Mutex<Result?>(nil)
        decide = { view in
            let (mutations, result) = try transaction(view)
            decided.withLock { $0 = result }
            return mutations
        }
        succeed = { completion(.success(decided.withLock { $0! })) }
        fail = { completion(.failure($0)) }
    }
}
