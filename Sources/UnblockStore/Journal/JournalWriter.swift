// Appends journal records off the event loops, with group commit: one fdatasync for every commit waiting.
import Dispatch
import Logging
import Metrics
import Synchronization

/// The single writer of the journal.
///
/// Callers enqueue framed records in sequence order (under the store's lock) and then
/// wait for their sequence to be durable. A writer on its own Dispatch queue takes
/// everything queued, writes it in one call, syncs once, and wakes every waiter it
/// covered; whatever arrives meanwhile forms the next batch. A failed write or sync is
/// final: every waiter and every later commit fails, and nothing is retried as if safe.
/// Records go over the zeros of a file made ahead of use (`JournalSpare`) while it has room;
/// then into the next such file, or, without one ready, on past the end of the current one.
final class JournalWriter: Sendable {
    private enum Segment {
        case records([UInt8], lastSequence: UInt64)
        /// Start a new journal file whose first record has this sequence.
        case rotate(firstSequence: UInt64)
    }

    private struct State {
        var segments: [Segment] = []
        var queuedBytes = 0
        var durableSequence: UInt64
        var waiters: [(sequence: UInt64, notify: @Sendable (Result<Void, StoreError>) -> Void)] = []
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var running = false
        var failure: StoreError?
    }

    /// What only the writer's queue touches: the open file and the sync timer. The mutex is
    /// uncontended; it exists so that the compiler can see the confinement.
    private struct Output {
        var file: any StorageFile
        /// Zeros left after the records in the current file (it was made as a spare).
        var room: Int
        /// The last sequence written to the journal.
        var lastWritten: UInt64
        var dirty = false
        var timer: (any DispatchSourceTimer)?
    }

    private let storage: any Storage
    private let directory: String
    private let policy: FsyncPolicy
    private let queue = DispatchQueue(label: "unblock.store.journal", qos: .userInitiated)
    private let state: Mutex<State>
    private let output: Mutex<Output>
    private let spare: JournalSpare
    /// How long each sync takes (metrics), if kept.
    private let syncDuration: Timer?

    /// Goes on writing the journal where `end` says its records end, or starts a new file
    /// when there is none; each new file starts as a spare of `preallocation` bytes when one
    /// is ready (0: files grow as they are written).
    init(
        storage: any Storage,
        directory: String,
        continuing end: JournalEnd?,
        policy: FsyncPolicy,
        durableSequence: UInt64,
        preallocation: Int,
        syncDuration: Timer? = nil,
        logger: Logger
    ) throws(StoreError) {
        self.storage = storage
        self.syncDuration = syncDuration
        self.directory = directory
        self.policy = policy
        self.spare = JournalSpare(directory: directory, length: preallocation, storage: storage, logger: logger)
        let output: Output
        if let end {
            let file = try storage.openForWriting(end.path, at: end.offset)
            output = Output(file: file, room: end.size - end.offset, lastWritten: durableSequence)
        } else {
            spare.prepareNow()
            let (file, room) = try Self.newFile(
                firstSequence: durableSequence + 1, storage: storage, directory: directory, policy: policy,
                spare: spare)
            output = Output(file: file, room: room, lastWritten: durableSequence)
        }
        self.output = Mutex(output)
        self.state = Mutex(State(durableSequence: durableSequence))
        spare.prepare()
        if policy == .everysec {
            self.output.withLock { output in
                let timer = DispatchSource.makeTimerSource(queue: queue)
                timer.schedule(deadline: .now() + 1, repeating: 1)
                timer.setEventHandler { [weak self] in self?.periodicSync() }
                timer.resume()
                output.timer = timer
            }
        }
    }

    /// Queues one framed record. Must be called in sequence order.
    /// - Throws: `.failed` once an earlier write or sync has failed.
    func enqueue(_ framed: [UInt8], sequence: UInt64) throws(StoreError) {
        try append(.records(framed, lastSequence: sequence), bytes: framed.count)
    }

    /// Queues a switch to a new journal file for records after `sequence`.
    func rotate(after sequence: UInt64) throws(StoreError) {
        try append(.rotate(firstSequence: sequence + 1), bytes: 0)
    }

    private func append(_ segment: Segment, bytes: Int) throws(StoreError) {
        let start = try state.withLock { (state) throws(StoreError) -> Bool in
            if let failure = state.failure { throw failure }
            if case .records(let new, let last) = segment, case .records(var pending, _)? = state.segments.last {
                // Take the pending bytes out before appending, so that the append extends them in
                // place instead of copying the whole batch on every commit.
                state.segments[state.segments.count - 1] = .rotate(firstSequence: 0)
                pending.append(contentsOf: new)
                state.segments[state.segments.count - 1] = .records(pending, lastSequence: last)
            } else {
                state.segments.append(segment)
            }
            state.queuedBytes += bytes
            guard !state.running else { return false }
            state.running = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    /// Returns once `sequence` is durable under the policy.
    /// - Throws: `StoreError` `.failed` when the write or sync covering it failed.
    func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            whenDurable(sequence) { continuation.resume(with: $0) }
        }
    }

    /// Calls `notify` (on the writer's queue, or at once) when `sequence` is durable or can never be.
    func whenDurable(_ sequence: UInt64, notify: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        let outcome: Result<Void, StoreError>? = state.withLock { state in
            if state.durableSequence >= sequence { return .success(()) }
            if let failure = state.failure { return .failure(failure) }
            state.waiters.append((sequence, notify))
            return nil
        }
        if let outcome { notify(outcome) }
    }

    /// Returns once everything queued has been written (and synced unless the policy is `none`).
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                guard state.running else { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        queue.sync {
            output.withLock { output in
                if policy != .none, output.dirty, (try? output.file.sync()) != nil { output.dirty = false }
            }
        }
    }

    /// The failure that stopped the journal, if any.
    var failure: StoreError? { state.withLock { $0.failure } }

    /// Makes no more spare files (before the last rotation at close), and removes the one there is.
    func stopPreparingFiles() { spare.stop() }

    /// Closes the file (after `flush()`).
    func close() {
        spare.stop()
        queue.sync {
            output.withLock { output in
                output.timer?.cancel()
                output.file.close()
            }
        }
    }

    private func drain() {
        while true {
            let batch: [Segment]? = state.withLock { state in
                guard !state.segments.isEmpty, state.failure == nil else {
                    state.running = false
                    return nil
                }
                defer {
                    state.segments = []
                    state.queuedBytes = 0
                }
                return state.segments
            }
            guard let batch else { break }
            let written = output.withLock { output in
                Result { () throws(StoreError) in try write(batch, to: &output) }
            }
            switch written {
            case .success(let last): if last > 0 { acknowledge(through: last) }
            case .failure(let error): fail(error)
            }
        }
        let idle = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.running else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in idle { waiter.resume() }
    }

    /// Writes one batch (and syncs it under `always`); returns the last sequence written.
    private func write(_ batch: [Segment], to output: inout Output) throws(StoreError) -> UInt64 {
        var last: UInt64 = 0
        for segment in batch {
            switch segment {
            case .records(let bytes, let lastSequence):
                // Out of zeros: on into the next spare if one is ready, else the file grows.
                if output.room < bytes.count && spare.isReady {
                    try startFile(firstSequence: output.lastWritten + 1, output: &output)
                }
                output.dirty = true
                try output.file.append(bytes)
                output.room = max(0, output.room - bytes.count)
                output.lastWritten = lastSequence
                last = lastSequence
            case .rotate(let firstSequence):
                try startFile(firstSequence: firstSequence, output: &output)
            }
        }
        if policy == .always && output.dirty {
            try sync(output.file)
            output.dirty = false
        }
        return last
    }

    private func startFile(firstSequence: UInt64, output: inout Output) throws(StoreError) {
        if policy != .none && output.dirty { try output.file.sync() }
        output.file.close()
        (output.file, output.room) = try Self.newFile(
            firstSequence: firstSequence, storage: storage, directory: directory, policy: policy, spare: spare)
        output.lastWritten = firstSequence - 1
        output.dirty = false
    }

    /// Opens a new journal file, durably named, after its header: the spare if one is
    /// ready (with its zeros as room), else an empty file that grows.
    private static func newFile(
        firstSequence: UInt64, storage: any Storage, directory: String, policy: FsyncPolicy, spare: JournalSpare
    ) throws(StoreError) -> (file: any StorageFile, room: Int) {
        let path = directory + "/" + JournalFiles.journalName(firstSequence: firstSequence)
        let header = JournalFiles.journalMagic.count
        if try spare.take(as: path) {
            return (try storage.openForWriting(path, at: header), spare.length - header)
        }
        spare.prepare()
        let file = try storage.create(path)
        try file.append(JournalFiles.journalMagic)
        if policy != .none { try file.sync() }
        try storage.syncDirectory(directory)
        return (file, 0)
    }

    private func periodicSync() {
        guard failure == nil else { return }
        let synced = output.withLock { output in
            Result { () throws(StoreError) in
                guard output.dirty else { return }
                try sync(output.file)
                output.dirty = false
            }
        }
        if case .failure(let error) = synced { fail(error) }
    }

    /// Syncs `file`, timing it when metrics are kept.
    private func sync(_ file: any StorageFile) throws(StoreError) {
        guard let syncDuration else { return try file.sync() }
        let started = ContinuousClock.now
        try file.sync()
        syncDuration.record(duration: started.duration(to: .now))
    }

    private func acknowledge(through sequence: UInt64) {
        let ready = state.withLock { state -> [@Sendable (Result<Void, StoreError>) -> Void] in
            state.durableSequence = max(state.durableSequence, sequence)
            // Waiters register after their enqueue, outside the store's lock: not always in order.
            let durable = state.durableSequence
            defer { state.waiters.removeAll { $0.sequence <= durable } }
            return state.waiters.filter { $0.sequence <= durable }.map(\.notify)
        }
        for notify in ready { notify(.success(())) }
    }

    private func fail(_ error: StoreError) {
        let failure = StoreError(
            code: .failed,
            message: "the journal could not be written (\(error.message)); the store refuses writes until restarted"
        )
        let waiters = state.withLock { state -> [@Sendable (Result<Void, StoreError>) -> Void] in
            state.failure = state.failure ?? failure
            state.segments = []
            defer { state.waiters = [] }
            return state.waiters.map(\.notify)
        }
        for notify in waiters { notify(.failure(failure)) }
    }
}
