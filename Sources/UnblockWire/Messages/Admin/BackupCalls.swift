// Admin.Backup: the data directory copied, consistent at one commit, while the server serves.
import CUnblockProtos
import UnblockProtobufBridge

public struct BackupRequest: WireMessage {
    /// An absolute path on the server's host: new, or an empty directory.
    public var directory: String
    public var includeMasterKey: Bool

    public init(directory: String, includeMasterKey: Bool) {
        self.directory = directory
        self.includeMasterKey = includeMasterKey
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__backup_request__init,
        unpack: unblock__v1__backup_request__unpack,
        free: unblock__v1__backup_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                directory: try CReader.string(c.directory, field: "BackupRequest.directory"),
                includeMasterKey: c.include_master_key != 0)
        },
        write: { message, c, arena in
            c.directory = arena.string(message.directory)
            c.include_master_key = message.includeMasterKey ? 1 : 0
        }
    )
}

/// The finished backup: its last commit, its size, and where its manifest is.
public struct BackupResponse: WireMessage {
    public var sequence: UInt64
    public var files: UInt32
    public var bytes: UInt64
    public var manifest: String

    public init(sequence: UInt64, files: UInt32, bytes: UInt64, manifest: String) {
        self.sequence = sequence
        self.files = files
        self.bytes = bytes
        self.manifest = manifest
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__backup_response__init,
        unpack: unblock__v1__backup_response__unpack,
        free: unblock__v1__backup_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                sequence: c.sequence, files: c.files, bytes: c.bytes,
                manifest: try CReader.string(c.manifest, field: "BackupResponse.manifest"))
        },
        write: { message, c, arena in
            c.sequence = message.sequence
            c.files = message.files
            c.bytes = message.bytes
            c.manifest = arena.string(message.manifest)
        }
    )
}
