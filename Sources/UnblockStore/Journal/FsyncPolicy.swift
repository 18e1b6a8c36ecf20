// When the journal forces acknowledged commits to disk.

/// How the journal makes acknowledged commits durable.
public enum FsyncPolicy: String, Sendable, CaseIterable {
    /// Acknowledge after fdatasync; concurrent commits share one (group commit). Survives power loss.
    case always
    /// Acknowledge after write; fdatasync once a second. A power loss can lose up to a second;
    /// a crash of the process loses nothing.
    case everysec
    /// Acknowledge after write; never fdatasync (the kernel flushes when it likes).
    case none
}
