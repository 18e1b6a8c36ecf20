// The file operations the store needs, behind a protocol so that tests can inject disk faults.

/// An open file the store appends to.
public protocol StorageFile: AnyObject {
    /// Writes all of `bytes` at the end of the file, or throws (a partial write may remain).
    func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError)
    /// Makes everything written so far durable (fdatasync).
    func sync() throws(StoreError)
    /// Starts writing what is buffered to disk without waiting, so that a later `sync` of a
    /// large file has little left to do. A hint: it may do nothing.
    func startWriteback()
    func close()
}

/// The file system under the data directory.
public protocol Storage: Sendable {
    /// Opens `path` for appending, creating it (mode 0600) if needed.
    func openForAppend(_ path: String) throws(StoreError) -> any StorageFile
    /// Creates `path` empty (mode 0600), replacing any file there.
    func create(_ path: String) throws(StoreError) -> any StorageFile
    /// The whole content of `path`.
    func read(_ path: String) throws(StoreError) -> [UInt8]
    /// Cuts `path` to `length` bytes.
    func truncate(_ path: String, to length: Int) throws(StoreError)
    /// Atomically replaces `destination` with `source`.
    func rename(_ source: String, to destination: String) throws(StoreError)
    func remove(_ path: String) throws(StoreError)
    /// File names (not paths) in `directory`.
    func list(_ directory: String) throws(StoreError) -> [String]
    /// Makes renames and creations in `directory` durable.
    func syncDirectory(_ directory: String) throws(StoreError)
    func fileExists(_ path: String) -> Bool
}

extension StorageFile {
    public func startWriteback() {}

    /// Appends an array (the closure APIs rethrow untyped errors, so the typed one travels in a Result).
    func append(_ bytes: [UInt8]) throws(StoreError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(StoreError) in try append(raw) } }.get()
    }
}
