// Admin.ImportDirectory: a directory file applied on the running server, all or nothing.
import CUnblockProtos
import UnblockProtobufBridge

/// What an import does with entries the directory already has.
public enum ExistingEntries: UInt32, Sendable, CaseIterable {
    case unspecified = 0
    case fail = 1
    case skip = 2
    case update = 3
}

public struct ImportDirectoryRequest: WireMessage {
    /// The directory file's JSON.
    public var content: [UInt8]
    public var existing: ExistingEntries

    public init(content: [UInt8], existing: ExistingEntries = .fail) {
        self.content = content
        self.existing = existing
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__import_directory_request__init,
        unpack: unblock__v1__import_directory_request__unpack,
        free: unblock__v1__import_directory_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                content: try CReader.bytes(
                    c.content, field: "ImportDirectoryRequest.content", limit: WireLimits.defaultMaxRequestFrameBytes),
                existing: try CReader.enumeration(c.existing.rawValue, field: "ImportDirectoryRequest.existing"))
        },
        write: { message, c, arena in
            c.content = arena.bytes(message.content)
            c.existing = Unblock__V1__ExistingEntries(rawValue: message.existing.rawValue)
        }
    )
}

public struct ImportDirectoryResponse: WireMessage {
    public var profilesAdded: UInt32
    public var usersAdded: UInt32
    public var cardsAdded: UInt32
    /// Existing entries that changed (update).
    public var updated: UInt32
    /// Existing entries left as they were (skip).
    public var skipped: UInt32

    public init(profilesAdded: UInt32, usersAdded: UInt32, cardsAdded: UInt32, updated: UInt32, skipped: UInt32) {
        self.profilesAdded = profilesAdded
        self.usersAdded = usersAdded
        self.cardsAdded = cardsAdded
        self.updated = updated
        self.skipped = skipped
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__import_directory_response__init,
        unpack: unblock__v1__import_directory_response__unpack,
        free: unblock__v1__import_directory_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                profilesAdded: c.profiles_added, usersAdded: c.users_added, cardsAdded: c.cards_added,
                updated: c.updated, skipped: c.skipped)
        },
        write: { message, c, _ in
            c.profiles_added = message.profilesAdded
            c.users_added = message.usersAdded
            c.cards_added = message.cardsAdded
            c.updated = message.updated
            c.skipped = message.skipped
        }
    )
}
