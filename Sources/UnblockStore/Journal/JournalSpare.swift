// The next journal file, made ahead of need in the background: a header, then zeros.
import Dispatch
import Logging
import Synchronization

/// Journal files made ahead of use.
///
/// A journal file written over zeros that are already on disk keeps its size and its blocks:
/// an fdatasync then writes the records and flushes, where a file that grows also has to
/// write its new size first (Benchmarks/HISTORY.md has the figures). One spare is made at a time, on a
/// low-priority queue, and renamed into place when the journal rotates. Without a spare
/// ready (disk full, or not made yet) the journal simply grows as before.
final class JournalSpare: Sendable {
    private enum Phase {
        case none, making, ready, stopped
    }

    /// Bytes in each spare (0: none are made).
    let length: Int
    private let directory: String
    private let path: String
    private let storage: any Storage
    private let logger: Logger
    private let queue = DispatchQueue(label: "unblock.store.journal-spare", qos: .utility)
    private let phase = Mutex(Phase.none)

    init(directory: String, length: Int, storage: any Storage, logger: Logger) {
        self.directory = directory
        self.path = directory + "/" + JournalFiles.spareName
        self.length = length
        self.storage = storage
        self.logger = logger
    }

    var isReady: Bool { phase.withLock { $0 == .ready } }

    /// Starts making a spare unless one is ready or being made.
    func prepare() {
        let start = phase.withLock { phase in
            guard length > 0, phase == .none else { return false }
            phase = .making
            return true
        }
        guard start else { return }
        queue.async {
            let made = self.record(Result { () throws(StoreError) in try self.make() })
            self.phase.withLock { phase in
                guard phase == .making else { return }
                phase = made ? .ready : .none
            }
        }
    }

    /// Makes a spare now, on the caller's thread (at start-up).
    func prepareNow() {
        guard length > 0, phase.withLock({ $0 == .none }) else { return }
        if record(Result { () throws(StoreError) in try make() }) { phase.withLock { $0 = .ready } }
    }

    /// Renames the ready spare to `destination`, durably, and starts the next one.
    /// - Returns: false when no spare is ready.
    func take(as destination: String) throws(StoreError) -> Bool {
        // Renamed under the lock, so that `stop()` cannot remove the spare in between.
        let taken = try phase.withLock { (phase) throws(StoreError) -> Bool in
            guard phase == .ready else { return false }
            try storage.rename(path, to: destination)
            phase = .none
            return true
        }
        guard taken else { return false }
        try storage.syncDirectory(directory)
        prepare()
        return true
    }

    /// Makes no more spares and removes the one there is (at close).
    func stop() {
        phase.withLock { $0 = .stopped }
        queue.sync {}
        try? storage.remove(path)
    }

    /// Whether a spare was made; a failed one is removed and logged.
    private func record(_ made: Result<Void, StoreError>) -> Bool {
        guard case .failure(let error) = made else { return true }
        try? storage.remove(path)
        logger.warning(
            "could not prepare the next journal file (\(error.message)); the journal grows as it is written until one can be made"
        )
        return false
    }

    private func make() throws(StoreError) {
        try storage.createZeroFilled(path, header: JournalFiles.journalMagic, length: length)
    }
}
