// A backup's manifest: what it holds, at which sequence, and each file's checksum.
import Foundation
import UnblockCrypto

/// `manifest.json` in a backup directory, written last: a directory without one is not a
/// finished backup.
public struct BackupManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int
        /// SHA-256 of the file's bytes, in hex.
        public var sha256: String
    }

    public static let fileName = "manifest.json"
    public static let currentFormat = 1

    public var format = Self.currentFormat
    /// The last commit the backup holds: the snapshot is the directory at this sequence.
    public var sequence: UInt64
    /// When the backup was taken (ISO 8601, UTC).
    public var createdAt: String
    public var includesMasterKey: Bool
    public var files: [File]

    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }

    static func checksum(_ bytes: [UInt8]) -> String {
        Digest.sha256(bytes).map { String(format: "%02x", $0) }.joined()
    }

    func encoded() throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
        } catch {
            throw StoreError(code: .io, message: "the backup's manifest cannot be written: \(error)")
        }
    }

    static func read(from folder: String, storage: any Storage) throws(StoreError) -> BackupManifest {
        let path = "\(folder)/\(fileName)"
        guard storage.fileExists(path) else {
            throw StoreError(
                code: .notFound, message: "\(folder) holds no \(fileName): not a backup, or one that did not finish")
        }
        do {
            let manifest = try JSONDecoder().decode(BackupManifest.self, from: Data(try storage.read(path)))
            guard manifest.format == currentFormat else {
                throw StoreError(
                    code: .corrupt,
                    message: "\(path): backup format \(manifest.format), this unblockd reads \(currentFormat)")
            }
            return manifest
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .corrupt, message: "\(path) is damaged: \(error)")
        }
    }
}
