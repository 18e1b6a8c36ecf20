// The embedded store: the directory in memory, every commit journaled before it is acknowledged.
import Dispatch
import Logging
import Metrics
import Synchronization
import UnblockCore
import UnblockCrypto

/// The service's state, in memory and durable on disk.
///
/// Reads run against the in-memory directory under a lock. A commit computes its
/// mutations from the current directory as the only writer (so that decisions such as a
/// rate limit see every earlier commit; readers go on meanwhile), queues the journal
/// record, applies the mutations with readers excluded, and returns only once the record
/// is durable under the fsync policy. Snapshots are written
/// in the background every `snapshotEveryCommits` commits or `snapshotInterval`, and at
/// `close()`; each rotates the journal, and the previous snapshot is kept.
public final class EmbeddedStore: DirectoryStore {
    /// Where and how the store keeps its data.
    public struct Configuration: Sendable {
        public var dataDirectory: String
        public var fsync: FsyncPolicy = .always
        /// A snapshot after this many commits...
        public var snapshotEveryCommits: Int = 100_000
        /// ...or after this long with any commit.
        public var snapshotInterval: Duration = .seconds(300)
        /// Bytes of zeros each journal file is made with, in the background, before it is
        /// used: records then overwrite blocks the file system holds, and a sync does not
        /// have to write the file's size too. 0: journal files grow as they are written.
        public var journalPreallocation: Int = 32 << 20
        /// Audit events of each kind (logins, the rest) kept in memory and in snapshots.
        public var auditRetention: Int = 100_000
        /// Opens a master key file protected by a passphrase (`unblockd master-key protect`).
        public var masterKeyPassphrase: SecretBytes?
        /// How long the audit trail is kept on disk (`audit-*.trail` in the data directory);
        /// nil keeps no trail beyond memory.
        public var auditArchiveRetention: Duration? = .seconds(400 * 86_400)
        /// Where every audit event also goes, in commit order, as its commit is applied: a JSON
        /// lines file for a SIEM, the security log. Each takes them on a queue of its own.
        public var auditObservers: [any AuditObserver] = []
        /// Events per audit archive file (a query or the retention reads or removes whole files).
        public var auditEventsPerArchiveFile = 50_000
        /// The largest journal record a commit may write (at most 1 GiB, the largest that
        /// recovery reads back); a larger commit is refused with `.tooLarge`, applying nothing.
        public var maximumRecordBytes: Int = RecordFraming.maximumPayload
        /// Where the store's metrics go: how long each journal sync and each snapshot takes
        /// (`unblock_journal_sync_duration_seconds`, `unblock_snapshot_duration_seconds`); nil keeps none.
        public var metrics: (any MetricsFactory)?
        /// The file layer (tests inject faults through it).
        public var storage: any Storage = PosixStorage()
        public var logger = Logger(label: "unblock.store")

        /// The documented defaults for the data directory at `dataDirectory`.
        public static func defaults(dataDirectory: String) -> Configuration {
            Configuration(dataDirectory: dataDirectory)
        }

        public init(dataDirectory: String) {
            self.dataDirectory = dataDirectory
        }
    }

    struct State {
        var directory: Directory
        var lastSequence: UInt64
        var commitsSinceSnapshot = 0
        var snapshotInProgress = false
        var closed = false
    }

    let configuration: Configuration
    let folder: DataDirectory
    /// The directory and the journal's position (read by the store protocol's extension too).
    let state: ReadWriteLock<State>
    let journal: JournalWriter
    private let snapshotDuration: Timer?
    private let snapshotQueue = DispatchQueue(label: "unblock.store.snapshot", qos: .utility)
    private let snapshotTimer: Mutex<(any DispatchSourceTimer)?> = Mutex(nil)
    /// The audit trail on disk, beyond what memory keeps.
    let archive: AuditArchive?
    /// Derive and seal admin keys; loaded from (or created in) the data directory.
    public let masterKeys: MasterKeys

    /// Opens (creating if needed) and recovers the store in `configuration.dataDirectory`.
    ///
    /// Blocking file I/O: call it at start-up, before serving.
    /// - Throws: `StoreError` `.locked` when another server holds the directory, `.corrupt`
    ///   naming the file and byte offset when recovery cannot complete, `.io` otherwise.
    public init(configuration: Configuration) throws(StoreError) {
        let storage = configuration.storage
        let folder = try DataDirectory(path: configuration.dataDirectory, storage: storage)
        let recovered = try Recovery.recover(
            folder: folder.path, storage: storage, auditRetention: configuration.auditRetention
        )
        for warning in recovered.warnings { configuration.logger.warning("\(warning)") }

        self.configuration = configuration
        self.folder = folder
        self.masterKeys = try folder.masterKeys(
            keysDependingOnIt: recovered.directory.cards.count, passphrase: configuration.masterKeyPassphrase)
        if let mode = folder.tightenedFrom {
            configuration.logger.warning(
                "the data directory was open to group or others; it is now 0700",
                metadata: ["dataDirectory": "\(folder.path)", "mode": "\(String(mode, radix: 8))"])
        }
        self.journal = try JournalWriter(
            storage: storage, directory: folder.path, continuing: recovered.append, policy: configuration.fsync,
            durableSequence: recovered.lastSequence, preallocation: configuration.journalPreallocation,
            syncDuration: configuration.metrics.map {
                Timer(label: "unblock_journal_sync_duration_seconds", factory: $0)
            },
            logger: configuration.logger
        )
        self.snapshotDuration = configuration.metrics.map {
            Timer(label: "unblock_snapshot_duration_seconds", factory: $0)
        }
        self.archive = try configuration.auditArchiveRetention.map { (retention) throws(StoreError) in
            try AuditArchive(
                folder: folder.path, storage: storage,
                settings: .init(retention: retention, eventsPerSegment: configuration.auditEventsPerArchiveFile),
                logger: configuration.logger, nextSequence: recovered.directory.nextAuditSequence)
        }
        if let archive { Self.catchUp(archive, from: recovered.directory, logger: configuration.logger) }
        self.state = ReadWriteLock(State(directory: recovered.directory, lastSequence: recovered.lastSequence))
        startSnapshotTimer()
        configuration.logger.info(
            "store opened",
            metadata: [
                "dataDirectory": "\(folder.path)", "sequence": "\(recovered.lastSequence)",
                "accounts": "\(recovered.directory.accounts.count)", "cards": "\(recovered.directory.cards.count)",
            ]
        )
    }

    /// Runs `body` on the current directory.
    public func withDirectory<Result>(_ body: (Directory) throws -> Result) rethrows -> Result {
        try state.withReadLock { state in try body(state.directory) }
    }

    /// Commits the mutations `transaction` derives from the current directory; returns its
    /// result once they are durable. A transaction that returns no mutations writes nothing.
    ///
    /// - Throws: whatever `transaction` throws (nothing is applied), or `StoreError`
    ///   `.failed` when the store refuses writes after a disk failure or is closed.
    public func commit<Result: Sendable>(
        _ transaction: (Directory) throws -> (mutations: [Mutation], result: Result)
    ) async throws -> Result {
        let (sequence, result) = try stage(transaction)
        if let sequence { try await journal.waitUntilDurable(sequence) }
        return result
    }

    /// Like `commit`, for callers that are not tasks: `transaction` runs at once, on the
    /// caller's thread, and `completion` gets its result once the mutations are durable (on
    /// the journal's queue), or its error (at once).
    public func commit<Result: Sendable>(
        _ transaction: (Directory) throws -> (mutations: [Mutation], result: Result),
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    ) {
        do {
            let (sequence, result) = try stage(transaction)
            guard let sequence else { return completion(.success(result)) }
            journal.whenDurable(sequence) { outcome in
                completion(outcome.map { result }.mapError { $0 })
            }
        } catch {
            completion(.failure(error))
        }
    }

    /// Applies the transaction's mutations in memory and queues them for the journal; the
    /// sequence to wait for (nil when there was nothing to write) and the transaction's result.
    /// The transaction runs and its record is encoded alongside the readers; they wait only
    /// while the mutations are applied.
    private func stage<Result: Sendable>(
        _ transaction: (Directory) throws -> (mutations: [Mutation], result: Result)
    ) throws -> (sequence: UInt64?, result: Result) {
        let (sequence, result, snapshot) = try state.update(
            prepare: { (state) throws -> (mutations: [Mutation], sequence: UInt64, result: Result) in
                guard !state.closed else {
                    throw StoreError(code: .failed, message: "the store is closed")
                }
                let (mutations, result) = try transaction(state.directory)
                guard !mutations.isEmpty else { return ([], state.lastSequence, result) }
                let sequence = state.lastSequence + 1
                // A batch's record outgrows the stack scratch: one block instead of a malloc per field.
                let record = JournalRecord(sequence: sequence, mutations: mutations)
                    .serializedBytes(scratchBytes: mutations.count * 512)
                // Recovery would take a longer record for a corrupt length: refuse it now, not then.
                let limit = min(configuration.maximumRecordBytes, RecordFraming.maximumPayload)
                guard record.count <= limit else {
                    throw StoreError(
                        code: .tooLarge,
                        message: "a change of \(mutations.count) records takes \(record.count) bytes, more than "
                            + "the \(limit) one journal record may hold; nothing was changed (import a large "
                            + "directory in parts)")
                }
                var framed: [UInt8] = []
                RecordFraming.append(record, to: &framed)
                try journal.enqueue(framed, sequence: sequence)
                return (mutations, sequence, result)
            },
            apply: { (state, change) throws -> (UInt64?, Result, Snapshot?) in
                guard !change.mutations.isEmpty else { return (nil, change.result, nil) }
                let events = state.directory.apply(change.mutations)
                // Queued under the lock: the archive gets the events in the order they were given sequences.
                archive?.append(events)
                for observer in configuration.auditObservers { observer.append(events) }
                state.lastSequence = change.sequence
                state.commitsSinceSnapshot += 1
                let due = state.commitsSinceSnapshot >= configuration.snapshotEveryCommits
                return (change.sequence, change.result, due ? try beginSnapshot(&state) : nil)
            })
        if let snapshot { write(snapshot, completion: nil) }
        return (sequence, result)
    }

    /// Whether commits are accepted (false after a disk failure, until restarted, or after close).
    public var isWritable: Bool {
        journal.failure == nil && !state.withReadLock { $0.closed }
    }

    /// The sequence of the last commit.
    public var lastSequence: UInt64 { state.withReadLock { $0.lastSequence } }

    /// Writes a snapshot of the current state and returns when it is on disk (after any
    /// background snapshot in progress has finished).
    public func snapshot() async throws {
        while true {
            let snapshot = try state.withLock { (state) throws -> Snapshot? in
                guard !state.snapshotInProgress else { return nil }
                return try beginSnapshot(&state)
            }
            if let snapshot {
                return try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<Void, any Error>) in
                    write(snapshot) { continuation.resume(with: $0) }
                }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops accepting commits, waits for the journal, writes a final snapshot, and releases
    /// the data directory. Commits after this fail.
    public func close() async throws {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard wasOpen else { return }
        // Whatever happens below, the data directory is released.
        defer {
            journal.close()
            folder.unlock()
        }
        snapshotTimer.withLock { $0?.cancel() }
        // The final snapshot's rotation starts a plain file: no zeros left behind unused.
        journal.stopPreparingFiles()
        await journal.flush()
        // After the flush every durable-notification has been handed to the snapshot queue:
        // once it drains, no background snapshot is running. Then write the final one.
        await withCheckedContinuation { continuation in snapshotQueue.async { continuation.resume() } }
        let needed = state.withLock { $0.commitsSinceSnapshot > 0 || $0.lastSequence == 0 }
        if journal.failure == nil && needed {
            try await snapshot()
        }
        await journal.flush()
        for observer in configuration.auditObservers { observer.flush() }
        // The journal holds every event: an archive that cannot be synced now is caught up at the next start.
        do {
            try archive?.close()
        } catch {
            configuration.logger.error("the audit archive could not be synced at close: \(error)")
        }
    }

    /// Appends to the archive the events memory holds that it lacks (they were in the journal
    /// but not yet on the archive's disk at a crash); says so when some are in neither.
    private static func catchUp(_ archive: AuditArchive, from directory: Directory, logger: Logger) {
        var query = AuditQuery()
        query.afterSequence = archive.lastSequence
        query.newestFirst = false
        query.limit = .max
        let missing = directory.auditEvents(query)
        if let first = missing.first, first.sequence > archive.lastSequence + 1, archive.lastSequence > 0 {
            logger.warning(
                "the audit archive misses events it never received",
                metadata: ["from": "\(archive.lastSequence + 1)", "to": "\(first.sequence - 1)"])
        }
        archive.append(missing)
    }

    // MARK: Snapshots

    private struct Snapshot: Sendable {
        let directory: Directory
        let sequence: UInt64
    }

    /// Freezes the directory at the current sequence and rotates the journal there.
    private func beginSnapshot(_ state: inout State) throws -> Snapshot {
        try journal.rotate(after: state.lastSequence)
        state.snapshotInProgress = true
        state.commitsSinceSnapshot = 0
        return Snapshot(directory: state.directory, sequence: state.lastSequence)
    }

    /// Writes `snapshot` once the journal holds everything it includes, then prunes old files.
    private func write(_ snapshot: Snapshot, completion: (@Sendable (Result<Void, any Error>) -> Void)?) {
        journal.whenDurable(snapshot.sequence) { durable in
            self.snapshotQueue.async {
                let result = durable.flatMap { () -> Result<Void, StoreError> in
                    Result { () throws(StoreError) in
                        let started = ContinuousClock.now
                        let name = try SnapshotWriter.write(
                            snapshot.directory, lastSequence: snapshot.sequence, to: self.folder.path,
                            storage: self.configuration.storage
                        )
                        try self.pruneFiles()
                        self.snapshotDuration?.record(duration: started.duration(to: .now))
                        self.configuration.logger.info(
                            "snapshot written",
                            metadata: ["file": "\(name)", "duration": "\(ContinuousClock.now - started)"]
                        )
                    }
                }
                if case .failure(let error) = result {
                    self.configuration.logger.error("snapshot failed; the journal still holds every commit: \(error)")
                }
                self.state.withLock { $0.snapshotInProgress = false }
                completion?(result.mapError { $0 })
            }
        }
    }

    /// Keeps the newest two snapshots and the journals the older of them needs, and the audit
    /// archive's files within its retention.
    private func pruneFiles() throws(StoreError) {
        let storage = configuration.storage
        // The journals about to go hold events the archive must have on disk first.
        do {
            try archive?.sync()
            try archive?.prune(now: .now)
        } catch {
            throw StoreError(
                code: .io, message: "the audit archive could not be synced; no journal was removed: \(error)")
        }
        let names = try storage.list(folder.path)
        let snapshots = names.compactMap(JournalFiles.snapshotSequence).sorted(by: >)
        guard snapshots.count >= 2 else { return }
        let kept = snapshots[1]
        for sequence in snapshots.dropFirst(2) {
            try storage.remove("\(folder.path)/\(JournalFiles.snapshotName(lastSequence: sequence))")
        }
        let journals = names.compactMap(JournalFiles.journalSequence).sorted()
        for (index, first) in journals.enumerated().dropLast() where journals[index + 1] <= kept + 1 {
            try storage.remove("\(folder.path)/\(JournalFiles.journalName(firstSequence: first))")
        }
    }

    private func startSnapshotTimer() {
        let interval = configuration.snapshotInterval
        guard interval > .zero else { return }
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        snapshotTimer.withLock { slot in
            let timer = DispatchSource.makeTimerSource(queue: snapshotQueue)
            timer.schedule(deadline: .now() + seconds, repeating: seconds)
            timer.setEventHandler { [weak self] in self?.snapshotIfDue() }
            timer.resume()
            slot = timer
        }
    }

    private func snapshotIfDue() {
        let snapshot = try? state.withLock { (state) throws -> Snapshot? in
            guard state.commitsSinceSnapshot > 0, !state.snapshotInProgress, !state.closed else { return nil }
            return try beginSnapshot(&state)
        }
        if let snapshot { write(snapshot, completion: nil) }
    }
}
