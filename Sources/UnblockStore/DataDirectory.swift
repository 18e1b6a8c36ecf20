// The data directory: created private, locked against a second server, holding the master key.
import Synchronization
import UnblockCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusively locked data directory.
///
/// The lock is an `flock` on `LOCK`, held while the process lives: a second `unblockd`
/// on the same directory fails at once with a clear message, and a crashed server's
/// lock disappears with it.
final class DataDirectory: Sendable {
    let path: String
    private let lockDescriptor: Atomic<Int32>
    /// The mode the directory had when group or others could reach it (it is 0700 now).
    let tightenedFrom: mode_t?

    static let lockFile = "LOCK"
    static let masterKeyFile = "master.key"

    /// Creates the directory (mode 0700, with any missing parents) if needed, and takes its lock.
    init(path: String, storage: any Storage) throws(StoreError) {
        try Self.makeDirectories(path, storage: storage)
        var status = stat()
        guard stat(path, &status) == 0 else { throw StoreError.io("cannot read \(path)") }
        if status.st_mode & 0o077 != 0 {
            // The master key, the journal and the snapshots are for the server's user alone.
            guard chmod(path, 0o700) == 0 else {
                throw StoreError.io("the data directory \(path) is open to group or others and cannot be made 0700")
            }
            tightenedFrom = status.st_mode & 0o777
        } else {
            tightenedFrom = nil
        }
        let lockPath = "\(path)/\(Self.lockFile)"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.io("cannot open \(lockPath)") }
        // A few short retries: a child process being spawned holds a copy of every descriptor
        // until its exec, and a server restarted at once may race its predecessor's exit.
        var locked = flock(descriptor, LOCK_EX | LOCK_NB) == 0
        for _ in 0..<20 where !locked && errno == EWOULDBLOCK {
            usleep(25_000)
            locked = flock(descriptor, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            let owner = Self.readOwner(descriptor)
            close(descriptor)
            throw StoreError(
                code: .locked,
                message:
                    "the data directory \(path) is in use by another unblockd\(owner); stop it or choose another --data-dir"
            )
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.utf8.count, 0)
        self.path = path
        self.lockDescriptor = Atomic(descriptor)
    }

    deinit {
        unlock()
    }

    /// Releases the lock (at close; a crashed process releases it by exiting).
    func unlock() {
        let descriptor = lockDescriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if descriptor >= 0 { close(descriptor) }
    }

    /// The master keys, created (mode 0600) on first use; a protected file opens with `passphrase`.
    /// - Parameter keysDependingOnIt: how many cards' keys are sealed with or derived from
    ///   the master key: with any, a missing key file is an error, never replaced by a new key.
    func masterKeys(keysDependingOnIt: Int, passphrase: SecretBytes?) throws(StoreError) -> MasterKeys {
        let keyPath = "\(path)/\(Self.masterKeyFile)"
        var status = stat()
        let exists = lstat(keyPath, &status) == 0
        guard exists || keysDependingOnIt == 0 else {
            throw StoreError(
                code: .io,
                message:
                    "\(keyPath) is missing, and the keys of \(keysDependingOnIt) cards are sealed with it or derived "
                    + "from it: restore master.key from the backup of this data directory (a new key would open none of them)"
            )
        }
        do throws(CryptoError) {
            if !exists { return try MasterKey.create(at: keyPath) }
            return try MasterKey.load(from: keyPath, passphrase: passphrase)
        } catch {
            throw StoreError(
                code: error.code == .masterKeyPassphrase ? .masterKeyPassphrase : .io, message: error.message)
        }
    }

    private static func makeDirectories(_ path: String, storage: any Storage) throws(StoreError) {
        guard access(path, F_OK) != 0 else { return }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty { try makeDirectories(parent, storage: storage) }
        try storage.makeDirectory(path)
        // The new entry in its parent is durable only once the parent is synced: else a power
        // cut could take the whole data directory, with commits acknowledged in it.
        try storage.syncDirectory(parent.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : parent)
    }

    private static func readOwner(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0, let pid = Int(String(decoding: buffer[0..<count], as: UTF8.self).filter(\.isNumber)) else {
            return ""
        }
        return " (pid \(pid))"
    }
}
