// Recovery over a data directory held in memory, for the crash simulator: a file tree a power
// cut could leave, recovered without touching a disk.
import UnblockCore

/// Runs the store's recovery on `files` (paths under `folder`, with their bytes).
package enum CrashRecovery {
    /// The directory recovered and its last sequence, or the error recovery stopped with.
    package static func recover(files: [String: [UInt8]], folder: String, auditRetention: Int)
        -> Result<(directory: Directory, lastSequence: UInt64), StoreError>
    {
        let storage = MemoryStorage(files: files)
        return Result { () throws(StoreError) in
            let recovered = try Recovery.recover(folder: folder, storage: storage, auditRetention: auditRetention)
            return (recovered.directory, recovered.lastSequence)
        }
    }
}
