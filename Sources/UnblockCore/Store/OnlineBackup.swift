// A store that copies itself, consistent at one sequence, while it serves.

/// What a backup holds, once it is on disk.
public struct BackupSummary: Sendable, Equatable {
    /// The last commit the backup holds.
    public var sequence: UInt64
    public var files: Int
    public var bytes: Int
    public var manifestPath: String

    public init(sequence: UInt64, files: Int, bytes: Int, manifestPath: String) {
        self.sequence = sequence
        self.files = files
        self.bytes = bytes
        self.manifestPath = manifestPath
    }
}

/// A store that backs itself up into a directory on its own host (the embedded store; a
/// database has its own tools).
public protocol OnlineBackup: Sendable {
    /// Writes a backup into `destination` (new or empty) and returns once it is complete.
    func backup(to destination: String, includeMasterKey: Bool) async throws -> BackupSummary
}
