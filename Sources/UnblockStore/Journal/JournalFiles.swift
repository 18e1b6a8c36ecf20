// Names of the files in a data directory, and what their names say.

/// File naming in the data directory: journals by their first sequence, snapshots by their last.
enum JournalFiles {
    static let journalMagic: [UInt8] = Array("UBJRNL01".utf8)
    static let snapshotMagic: [UInt8] = Array("UBSNAP01".utf8)

    static func journalName(firstSequence: UInt64) -> String { "journal-\(padded(firstSequence)).log" }
    /// The next journal file, zero-filled ahead of use (a leftover one is removed at start).
    static let spareName = "journal-next.spare"
    static func snapshotName(lastSequence: UInt64) -> String { "snapshot-\(padded(lastSequence)).snap" }

    /// The first sequence of a journal file name, or nil for other files.
    static func journalSequence(_ name: String) -> UInt64? { sequence(in: name, prefix: "journal-", suffix: ".log") }

    /// The last sequence of a snapshot file name, or nil for other files.
    static func snapshotSequence(_ name: String) -> UInt64? { sequence(in: name, prefix: "snapshot-", suffix: ".snap") }

    private static func padded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    private static func sequence(in name: String, prefix: String, suffix: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        return UInt64(name.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
