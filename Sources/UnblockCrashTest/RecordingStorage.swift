// A file layer that does what the store asks on a real directory and records every operation, in order.
import Synchronization
import UnblockStore

/// One operation on the file system, as the store made it (recorded once it returned).
enum FileOperation: Sendable {
    /// `path` now names a new, empty file (`file` numbers it for the rest of the run).
    case create(path: String, file: Int)
    case write(file: Int, offset: Int, bytes: [UInt8])
    case truncate(file: Int, length: Int)
    /// fdatasync returned: the file's content is durable.
    case sync(file: Int)
    case rename(from: String, to: String)
    case remove(path: String)
    /// The directory's entries (creations, renames, removals) are durable.
    case syncDirectory(String)
    /// A new directory (its entry in its parent durable once the parent is synced).
    case createDirectory(String)
    /// The commit with this sequence was acknowledged to its caller.
    case acknowledged(UInt64)
}

/// The operations of a run, in the order they returned.
final class OperationLog: Sendable {
    private let state = Mutex<(operations: [FileOperation], files: [String: Int], nextFile: Int)>(([], [:], 1))

    var operations: [FileOperation] { state.withLock { $0.operations } }

    func append(_ operation: FileOperation) { state.withLock { $0.operations.append(operation) } }

    /// The number of the file at `path`, and records what `change` does to the names.
    fileprivate func file(at path: String) -> Int? { state.withLock { $0.files[path] } }

    fileprivate func created(_ path: String) -> Int {
        state.withLock { state in
            let file = state.nextFile
            state.nextFile += 1
            state.files[path] = file
            state.operations.append(.create(path: path, file: file))
            return file
        }
    }

    fileprivate func renamed(_ source: String, to destination: String) {
        state.withLock { state in
            state.files[destination] = state.files.removeValue(forKey: source)
            state.operations.append(.rename(from: source, to: destination))
        }
    }

    fileprivate func removed(_ path: String) {
        state.withLock { state in
            state.files[path] = nil
            state.operations.append(.remove(path: path))
        }
    }
}

/// `PosixStorage`, recording into `log`.
struct RecordingStorage: Storage {
    let log: OperationLog
    private let base = PosixStorage()

    init(log: OperationLog) { self.log = log }

    final class File: StorageFile {
        let inner: any StorageFile
        let number: Int
        let log: OperationLog
        private var offset: Int

        init(_ inner: any StorageFile, number: Int, offset: Int, log: OperationLog) {
            self.inner = inner
            self.number = number
            self.offset = offset
            self.log = log
        }

        func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            try inner.append(bytes)
            log.append(.write(file: number, offset: offset, bytes: Array(bytes)))
            offset += bytes.count
        }

        func sync() throws(StoreError) {
            try inner.sync()
            log.append(.sync(file: number))
        }

        func startWriteback() { inner.startWriteback() }
        func close() { inner.close() }
    }

    func openForWriting(_ path: String, at offset: Int) throws(StoreError) -> any StorageFile {
        let inner = try base.openForWriting(path, at: offset)
        guard let number = log.file(at: path) else {
            throw StoreError(code: .io, message: "\(path) was not made during the recording")
        }
        return File(inner, number: number, offset: offset, log: log)
    }

    func create(_ path: String) throws(StoreError) -> any StorageFile {
        let inner = try base.create(path)
        return File(inner, number: log.created(path), offset: 0, log: log)
    }

    func read(_ path: String) throws(StoreError) -> [UInt8] { try base.read(path) }

    func truncate(_ path: String, to length: Int) throws(StoreError) {
        try base.truncate(path, to: length)
        if let number = log.file(at: path) { log.append(.truncate(file: number, length: length)) }
    }

    func rename(_ source: String, to destination: String) throws(StoreError) {
        try base.rename(source, to: destination)
        log.renamed(source, to: destination)
    }

    func remove(_ path: String) throws(StoreError) {
        try base.remove(path)
        log.removed(path)
    }

    func list(_ directory: String) throws(StoreError) -> [String] { try base.list(directory) }

    func syncDirectory(_ directory: String) throws(StoreError) {
        try base.syncDirectory(directory)
        log.append(.syncDirectory(directory))
    }

    func makeDirectory(_ path: String) throws(StoreError) {
        let existed = base.fileExists(path)
        try base.makeDirectory(path)
        if !existed { log.append(.createDirectory(path)) }
    }

    func fileExists(_ path: String) -> Bool { base.fileExists(path) }
}

/// How many of each kind a run made, for the report.
enum OperationKind {
    static func counts(_ operations: [FileOperation]) -> String {
        var counts: [String: Int] = [:]
        for operation in operations {
            let kind =
                switch operation {
                case .create: "create"
                case .write: "write"
                case .truncate: "truncate"
                case .sync: "fdatasync"
                case .rename: "rename"
                case .remove: "unlink"
                case .syncDirectory: "directory fsync"
                case .createDirectory: "mkdir"
                case .acknowledged: "acknowledged commit"
                }
            counts[kind, default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
