// An online backup: the directory at one sequence, written beside the serving store.
import Foundation
import UnblockCore

extension EmbeddedStore: OnlineBackup {
    /// Writes a backup into `destination` (a new or empty directory) while commits go on: a
    /// snapshot of the directory at the last commit, the audit trail's files, the master key
    /// only when asked, and the manifest last.
    ///
    /// The state is taken under the read lock (a copy-on-write value, no copy made there); the
    /// writing runs on a queue of its own, never on the caller's thread or the journal's.
    public func backup(to destination: String, includeMasterKey: Bool) async throws -> BackupSummary {
        let (directory, sequence) = state.withReadLock { ($0.directory, $0.lastSequence) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            journal.whenDurable(sequence) { continuation.resume(with: $0.mapError { $0 }) }
        }
        let manifest = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<BackupManifest, any Error>) in
            Self.backupQueue.async {
                continuation.resume(
                    with: Result { () throws(StoreError) in
                        try self.writeBackup(
                            directory, sequence: sequence, to: destination, includeMasterKey: includeMasterKey)
                    }.mapError { $0 })
            }
        }
        configuration.logger.info(
            "backup written",
            metadata: [
                "directory": "\(destination)", "sequence": "\(sequence)", "bytes": "\(manifest.totalBytes)",
                "masterKey": "\(includeMasterKey ? "included" : "not included")",
            ])
        return BackupSummary(
            sequence: sequence, files: manifest.files.count, bytes: manifest.totalBytes,
            manifestPath: "\(destination)/\(BackupManifest.fileName)")
    }

    /// One backup at a time, beside the snapshots.
    private static let backupQueue = DispatchQueue(label: "unblock.store.backup", qos: .utility)

    private func writeBackup(
        _ directory: Directory, sequence: UInt64, to destination: String, includeMasterKey: Bool
    ) throws(StoreError) -> BackupManifest {
        let storage = configuration.storage
        try Self.prepareEmptyDirectory(destination)
        var files: [BackupManifest.File] = []
        func add(_ name: String, _ bytes: [UInt8]) throws(StoreError) {
            try storage.createSynced("\(destination)/\(name)", holding: bytes)
            files.append(.init(name: name, bytes: bytes.count, sha256: BackupManifest.checksum(bytes)))
        }
        let snapshot = try SnapshotWriter.write(directory, lastSequence: sequence, to: destination, storage: storage)
        let snapshotBytes = try storage.read("\(destination)/\(snapshot)")
        files.append(.init(name: snapshot, bytes: snapshotBytes.count, sha256: BackupManifest.checksum(snapshotBytes)))
        // The audit trail's files, synced first; events past the snapshot are dropped at restore.
        try? archive?.sync()
        for name in try storage.list(folder.path).sorted() where AuditSegment(name: name) != nil {
            // A file removed by the retention meanwhile is simply not in the backup.
            guard let bytes = try? storage.read("\(folder.path)/\(name)") else { continue }
            try add(name, bytes)
        }
        if includeMasterKey {
            try add(DataDirectory.masterKeyFile, try storage.read("\(folder.path)/\(DataDirectory.masterKeyFile)"))
        }
        let manifest = BackupManifest(
            sequence: sequence, createdAt: ISO8601DateFormatter().string(from: Date()),
            includesMasterKey: includeMasterKey, files: files)
        let temporary = "\(destination)/\(BackupManifest.fileName).tmp"
        try storage.createSynced(temporary, holding: try manifest.encoded())
        try storage.rename(temporary, to: "\(destination)/\(BackupManifest.fileName)")
        try storage.syncDirectory(destination)
        return manifest
    }

    /// Creates `path` (0700) or accepts it empty; never writes into a directory with files.
    static func prepareEmptyDirectory(_ path: String) throws(StoreError) {
        guard path.hasPrefix("/") else {
            throw StoreError(code: .invalidArgument, message: "\(path): give an absolute path")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StoreError(code: .invalidArgument, message: "\(path) is a file, not a directory")
            }
            guard (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true else {
                throw StoreError(
                    code: .invalidArgument, message: "\(path) is not empty: give a new or empty directory")
            }
            return
        }
        guard mkdir(path, 0o700) == 0 else { throw StoreError.io("cannot create \(path)") }
    }
}
