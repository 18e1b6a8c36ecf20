// A backup made into a data directory again, offline, after every file is checked against the manifest.
import Foundation

public enum BackupRestore {
    /// Checks every file the manifest lists (present, same size, same SHA-256), then copies them
    /// into `dataDirectory` (new, or an empty directory), with the backup's master key or the
    /// one in `masterKeyFile`. Nothing is written when a check fails.
    /// - Throws: `StoreError` `.corrupt` naming the damaged or missing file, `.invalidArgument`
    ///   for a data directory that is not empty or a missing master key, `.io` otherwise.
    public static func restore(
        from backup: String, to dataDirectory: String, masterKeyFile: String?, storage: any Storage = PosixStorage()
    ) throws(StoreError) -> BackupManifest {
        let manifest = try BackupManifest.read(from: backup, storage: storage)
        var contents: [(name: String, bytes: [UInt8])] = []
        for file in manifest.files {
            let path = "\(backup)/\(file.name)"
            guard storage.fileExists(path) else {
                throw StoreError(code: .corrupt, message: "\(path) is missing: the backup is incomplete")
            }
            let bytes = try storage.read(path)
            guard bytes.count == file.bytes, BackupManifest.checksum(bytes) == file.sha256 else {
                throw StoreError(
                    code: .corrupt, message: "\(path) is damaged: its size or SHA-256 differs from the manifest's")
            }
            contents.append((file.name, bytes))
        }
        let masterKeyName = DataDirectory.masterKeyFile
        if let masterKeyFile {
            contents.removeAll { $0.name == masterKeyName }
            contents.append((masterKeyName, try storage.read(masterKeyFile)))
        } else if !manifest.includesMasterKey {
            throw StoreError(
                code: .invalidArgument,
                message: "the backup holds no master key (it was taken without it): give --master-key FILE, "
                    + "the \(masterKeyName) of the data directory it was taken from")
        }
        try EmbeddedStore.prepareEmptyDirectory(dataDirectory)
        for (name, bytes) in contents { try storage.createSynced("\(dataDirectory)/\(name)", holding: bytes) }
        guard chmod("\(dataDirectory)/\(masterKeyName)", 0o600) == 0 else {
            throw StoreError.io("cannot make \(dataDirectory)/\(masterKeyName) private")
        }
        try storage.syncDirectory(dataDirectory)
        return manifest
    }
}
