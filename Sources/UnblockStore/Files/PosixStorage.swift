// The real file system, through POSIX calls.
#if canImport(Glibc)
    import Glibc
#endif

/// `Storage` on the local file system.
public struct PosixStorage: Storage {
    public init() {}

    final class File: StorageFile {
        let descriptor: Int32
        let path: String

        init(descriptor: Int32, path: String) {
            self.descriptor = descriptor
            self.path = path
        }

        deinit { close() }

        func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.io("cannot write \(path)")
                }
                offset += written
            }
        }

        func sync() throws(StoreError) {
            guard fdatasync(descriptor) == 0 else { throw StoreError.io("cannot sync \(path)") }
        }

        func startWriteback() {
            // On Linux, DONTNEED starts asynchronous writeback of the dirty pages (and keeps a
            // file read only at the next start out of the page cache).
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        }

        private var closed = false
        func close() {
            guard !closed else { return }
            closed = true
            _ = Glibc.close(descriptor)
        }
    }

    private func open(_ path: String, flags: Int32) throws(StoreError) -> File {
        let descriptor = Glibc.open(path, flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.io("cannot open \(path)") }
        return File(descriptor: descriptor, path: path)
    }

    public func openForWriting(_ path: String, at offset: Int) throws(StoreError) -> any StorageFile {
        let file = try open(path, flags: 0)
        guard lseek(file.descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw StoreError.io("cannot seek in \(path)")
        }
        return file
    }

    public func create(_ path: String) throws(StoreError) -> any StorageFile {
        try open(path, flags: O_TRUNC)
    }

    public func read(_ path: String) throws(StoreError) -> [UInt8] {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.io("cannot open \(path)") }
        defer { _ = Glibc.close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StoreError.io("cannot stat \(path)") }
        let size = Int(status.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var offset = 0
            while offset < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + offset, size - offset)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { break }
                offset += got
            }
            failed = offset != size
            count = offset
        }
        if failed { throw StoreError.io("cannot read \(path)") }
        return bytes
    }

    public func truncate(_ path: String, to length: Int) throws(StoreError) {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw StoreError.io("cannot truncate \(path)") }
    }

    public func rename(_ source: String, to destination: String) throws(StoreError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw StoreError.io("cannot rename \(source) to \(destination)")
        }
    }

    public func remove(_ path: String) throws(StoreError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw StoreError.io("cannot remove \(path)") }
    }

    public func list(_ directory: String) throws(StoreError) -> [String] {
        guard let handle = opendir(directory) else { throw StoreError.io("cannot list \(directory)") }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func makeDirectory(_ path: String) throws(StoreError) {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw StoreError.io("cannot create \(path)") }
    }

    public func syncDirectory(_ directory: String) throws(StoreError) {
        let descriptor = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.io("cannot open directory \(directory)") }
        defer { _ = Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError.io("cannot sync directory \(directory)") }
    }

    public func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
