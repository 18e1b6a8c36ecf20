// The file operations the store needs, behind a protocol so that tests can inject disk faults.

/// An open file the store writes in order.
public protocol StorageFile: AnyObject {
    /// Writes all of `bytes` where the last write ended, or throws (a partial write may remain).
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
    /// Opens `path` for writing from byte `offset` on: over what is there (a journal's
    /// zeros, made ahead of use) and on past its end.
    func openForWriting(_ path: String, at offset: Int) throws(StoreError) -> any StorageFile
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
    /// Creates the directory `path` (mode 0700; nothing when it exists). Its entry is durable
    /// once its parent is synced.
    func makeDirectory(_ path: String) throws(StoreError)
    func fileExists(_ path: String) -> Bool
}

extension Storage {
    /// Creates `path` holding `bytes`, synced (a new file: an existing one is an error).
    func createSynced(_ path: String, holding bytes: [UInt8]) throws(StoreError) {
        let file = try create(path)
        defer { file.close() }
        try file.append(bytes)
        try file.sync()
    }

    /// Creates `path` durably holding `header` and then zeros up to `length` bytes: a journal
    /// file made ahead of use. Records written over its zeros reuse blocks the file system
    /// already holds, so syncing them does not also have to write the file's new size.
    func createZeroFilled(_ path: String, header: [UInt8], length: Int) throws(StoreError) {
        let file = try create(path)
        defer { file.close() }
        try file.append(header)
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        var left = length - header.count
        while left > 0 {
            try file.append(left >= chunk.count ? chunk : Array(chunk[0..<left]))
            left -= chunk.count
            // One chunk at a time: the journal's own syncs queue behind one chunk at most.
            if left > 0 { try file.sync() }
        }
        try file.sync()
    }
}

extension StorageFile {
    public func startWriteback() {}

    /// Appends an array (the closure APIs rethrow untyped errors, so the typed one travels in a Result).
    func append(_ bytes: [UInt8]) throws(StoreError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(StoreError) in try append(raw) } }.get()
    }
}
