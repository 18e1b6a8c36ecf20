// What a power cut could leave of a recorded run: the durable state at a point, and the trees built from it.

/// The file system as the operations up to a point left it, split into what a sync made
/// durable and what was still only in the page cache.
struct CrashModel {
    /// A change to a file's content not yet synced.
    enum Change {
        case write(offset: Int, bytes: [UInt8])
        case truncate(length: Int)
    }

    /// A change to a directory's entries not yet synced.
    enum EntryChange {
        case create(path: String, file: Int)
        case rename(from: String, to: String)
        case remove(path: String)
        case createDirectory(path: String)
    }

    /// Each file's durable content, and its later changes in order.
    private(set) var durable: [Int: [UInt8]] = [:]
    private(set) var pending: [Int: [Change]] = [:]
    /// The names a directory sync made durable, and the entry changes since, per directory.
    private(set) var durableNames: [String: Int] = [:]
    private(set) var pendingEntries: [String: [EntryChange]] = [:]
    /// The names as the running store saw them.
    private(set) var names: [String: Int] = [:]
    /// The directories the run made, and those whose entries a sync of their parent made durable.
    private(set) var createdDirectories: Set<String> = []
    private(set) var durableDirectories: Set<String> = []
    /// The last commit acknowledged to its caller.
    private(set) var acknowledged: UInt64 = 0

    mutating func apply(_ operation: FileOperation) {
        switch operation {
        case .create(let path, let file):
            durable[file] = []
            pending[file] = []
            names[path] = file
            pendingEntries[Self.folder(of: path), default: []].append(.create(path: path, file: file))
        case .write(let file, let offset, let bytes):
            pending[file, default: []].append(.write(offset: offset, bytes: bytes))
        case .truncate(let file, let length):
            pending[file, default: []].append(.truncate(length: length))
        case .sync(let file):
            var content = durable[file] ?? []
            for change in pending[file] ?? [] { Self.apply(change, to: &content) }
            durable[file] = content
            pending[file] = []
        case .rename(let source, let destination):
            names[destination] = names.removeValue(forKey: source)
            pendingEntries[Self.folder(of: destination), default: []].append(.rename(from: source, to: destination))
        case .remove(let path):
            names[path] = nil
            pendingEntries[Self.folder(of: path), default: []].append(.remove(path: path))
        case .createDirectory(let path):
            createdDirectories.insert(path)
            pendingEntries[Self.folder(of: path), default: []].append(.createDirectory(path: path))
        case .syncDirectory(let folder):
            for path in createdDirectories where Self.folder(of: path) == folder { durableDirectories.insert(path) }
            for path in durableNames.keys where Self.folder(of: path) == folder { durableNames[path] = nil }
            for (path, file) in names where Self.folder(of: path) == folder { durableNames[path] = file }
            pendingEntries[folder] = []
        case .acknowledged(let sequence):
            acknowledged = max(acknowledged, sequence)
        }
    }

    /// A tree a power cut at this point could leave: every synced byte and entry; of each
    /// file's later changes, a prefix (any length, each file on its own), the last write of it
    /// torn at a 512-byte boundary; each entry change since its directory's sync done or not.
    func tree(using random: inout some RandomNumberGenerator) -> [String: [UInt8]] {
        var tree = durableNames
        var directories = durableDirectories
        for changes in pendingEntries.values {
            for change in changes where Bool.random(using: &random) {
                switch change {
                case .create(let path, let file): tree[path] = file
                case .rename(let source, let destination):
                    if let file = tree.removeValue(forKey: source) { tree[destination] = file }
                case .remove(let path): tree[path] = nil
                case .createDirectory(let path): directories.insert(path)
                }
            }
        }
        // A directory the run made whose entry did not survive takes its files with it.
        let lost = createdDirectories.subtracting(directories)
        tree = tree.filter { path, _ in !lost.contains { path.hasPrefix($0 + "/") } }
        var contents: [Int: [UInt8]] = [:]
        return tree.mapValues { file in
            if let content = contents[file] { return content }
            var content = durable[file] ?? []
            let changes = pending[file] ?? []
            let kept = Int.random(in: 0...changes.count, using: &random)
            for (index, change) in changes.prefix(kept).enumerated() {
                if index == kept - 1, case .write(let offset, let bytes) = change {
                    Self.apply(
                        .write(offset: offset, bytes: Self.torn(bytes, at: offset, using: &random)), to: &content)
                } else {
                    Self.apply(change, to: &content)
                }
            }
            contents[file] = content
            return content
        }
    }

    /// The bytes of a write that reached the disk: a prefix ending at a sector boundary, or all.
    private static func torn(_ bytes: [UInt8], at offset: Int, using random: inout some RandomNumberGenerator)
        -> [UInt8]
    {
        let boundaries = stride(from: (offset / 512 + 1) * 512, to: offset + bytes.count, by: 512).map { $0 - offset }
        let cut = ([0] + boundaries + [bytes.count]).randomElement(using: &random) ?? bytes.count
        return Array(bytes.prefix(cut))
    }

    private static func apply(_ change: Change, to content: inout [UInt8]) {
        switch change {
        case .write(let offset, let bytes):
            if content.count < offset { content += [UInt8](repeating: 0, count: offset - content.count) }
            let overlap = min(bytes.count, content.count - offset)
            content.replaceSubrange(offset..<offset + overlap, with: bytes.prefix(overlap))
            content += bytes.dropFirst(overlap)
        case .truncate(let length):
            if content.count > length {
                content.removeLast(content.count - length)
            } else {
                content += [UInt8](repeating: 0, count: length - content.count)
            }
        }
    }

    static func folder(of path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    }
}
