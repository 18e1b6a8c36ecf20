// A value behind a reader-writer lock: many readers at once; writers one at a time, excluding readers only to change it.
import Glibc

/// Guards the store's state. The calls read far more often than they commit, from every
/// event loop at once; with a plain mutex those reads queued behind each other (and behind
/// every commit) in the kernel. Writers are preferred, so a stream of reads cannot starve
/// a commit.
///
/// Writers also take a mutex of their own, held for the whole change: while one holds it the
/// value cannot change, so a writer can work out its change alongside the readers
/// (`update`'s `prepare`) and exclude them only to apply it. A commit spends most of its time
/// deciding and encoding, during which an event loop reading would otherwise sleep on the lock.
package final class ReadWriteLock<Value>: @unchecked Sendable {
    // @unchecked: every access to `value` is under `lock`, which the compiler cannot see.
    private var value: Value
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
    /// Held by the one writer at a time, around both of its phases.
    private let writers = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    package init(_ value: Value) {
        self.value = value
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        let status = pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
        precondition(status == 0, "pthread_rwlock_init failed: \(status)")
        precondition(pthread_mutex_init(writers, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
        pthread_mutex_destroy(writers)
        writers.deallocate()
    }

    /// Runs `body` on the value, alongside other readers.
    package func withReadLock<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Runs `body` on the value alone, to change it.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        pthread_mutex_lock(writers)
        defer { pthread_mutex_unlock(writers) }
        return try exclusively(body)
    }

    /// Changes the value in two phases, as the only writer: `prepare` sees it alongside
    /// readers (no other writer can change it meanwhile) and works out the change; `apply`
    /// then makes it with the readers excluded. When `prepare` throws nothing is applied.
    ///
    /// `prepare` must not keep a copy of the value past its return: a copy-on-write value
    /// still shared when `apply` changes it would be copied whole.
    func update<Change, Result, Failure: Error>(
        prepare: (Value) throws(Failure) -> Change,
        apply: (inout Value, Change) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(writers)
        defer { pthread_mutex_unlock(writers) }
        pthread_rwlock_rdlock(lock)
        let change: Change
        do {
            defer { pthread_rwlock_unlock(lock) }
            change = try prepare(value)
        }
        return try exclusively { (value) throws(Failure) in try apply(&value, change) }
    }

    private func exclusively<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
