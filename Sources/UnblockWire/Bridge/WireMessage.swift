// The protocol every contract message conforms to, and its serialize/parse entry points.
import CProtobufC
import NIOCore

/// A message of the public contract in `Protos/`, serialized by protobuf-c.
///
/// Only this module's types conform: `wireType` ties each to its generated C struct.
public protocol WireMessage: Sendable, Equatable {
    /// How the message maps to its protobuf-c struct (an implementation detail).
    static var wireType: WireType<Self> { get }
}

/// The bridge between a Swift message and its protobuf-c generated C struct.
public struct WireType<Message>: Sendable {
    /// Builds the C struct of a message in an arena; returns its address.
    let build: @Sendable (Message, CArena) -> UnsafeMutableRawPointer
    /// Reads a C struct (as unpacked by protobuf-c) into a Swift message.
    let read: @Sendable (UnsafeRawPointer) throws(WireError) -> Message
    /// Unpacks bytes with protobuf-c (nil allocator: malloc), reads them, and frees the C struct.
    let unpack:
        @Sendable (UnsafeRawBufferPointer, UnsafeMutablePointer<ProtobufCAllocator>?) throws(WireError) -> Message

    init<CMessage>(
        initialize: @escaping @Sendable (UnsafeMutablePointer<CMessage>?) -> Void,
        unpack cUnpack:
            @escaping @Sendable (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) ->
            UnsafeMutablePointer<CMessage>?,
        free: @escaping @Sendable (UnsafeMutablePointer<CMessage>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
        read: @escaping @Sendable (CMessage) throws(WireError) -> Message,
        write: @escaping @Sendable (Message, inout CMessage, CArena) -> Void
    ) {
        self.build = { message, arena in
            let pointer = arena.uninitialized(CMessage.self)
            initialize(pointer)
            write(message, &pointer.pointee, arena)
            return UnsafeMutableRawPointer(pointer)
        }
        self.read = { pointer throws(WireError) in
            try read(pointer.assumingMemoryBound(to: CMessage.self).pointee)
        }
        self.unpack = { bytes, allocator throws(WireError) in
            // protobuf-c wants a non-null pointer even for zero bytes.
            var empty: UInt8 = 0
            let unpacked = withUnsafePointer(to: &empty) { emptyPointer in
                cUnpack(allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer)
            }
            guard let unpacked else {
                throw WireError(code: .malformedMessage, message: "\(Message.self) is not a valid protobuf encoding")
            }
            defer { free(unpacked, allocator) }
            return try read(unpacked.pointee)
        }
    }
}

extension WireMessage {
    /// Parses a message from its protobuf encoding.
    /// - Throws: `WireError` when the bytes are malformed or break the contract's limits.
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws(WireError) {
        self = try Self.wireType.unpack(bytes, nil)
    }

    /// Parses with a given protobuf-c allocator, so that tests can account for every allocation.
    package init(
        serializedBytes bytes: UnsafeRawBufferPointer,
        allocator: UnsafeMutablePointer<ProtobufCAllocator>
    ) throws(WireError) {
        self = try Self.wireType.unpack(bytes, allocator)
    }

    /// Parses a message from its protobuf encoding.
    /// - Throws: `WireError` when the bytes are malformed or break the contract's limits.
    public init(serializedBytes bytes: [UInt8]) throws(WireError) {
        self = try bytes.withUnsafeBytes { raw in Result { () throws(WireError) in try Self(serializedBytes: raw) } }
            .get()
    }

    /// Parses a message from the readable bytes of `buffer` (the reader index is not moved).
    /// - Throws: `WireError` when the bytes are malformed or break the contract's limits.
    public init(buffer: ByteBuffer) throws(WireError) {
        // The closure APIs rethrow untyped errors, so the typed error travels out in a Result.
        self = try buffer.withUnsafeReadableBytes { raw in
            Result { () throws(WireError) in try Self(serializedBytes: raw) }
        }
        .get()
    }

    /// The protobuf encoding of the message.
    public func serializedBytes() -> [UInt8] {
        withPacked { base, size in
            [UInt8](unsafeUninitializedCapacity: size) { storage, count in
                count = size == 0 ? 0 : protobuf_c_message_pack(base, storage.baseAddress!)
            }
        }
    }

    /// Appends the protobuf encoding of the message to `buffer`; returns the number of bytes written.
    @discardableResult
    public func serialize(into buffer: inout ByteBuffer) -> Int {
        withPacked { base, size in
            guard size > 0 else { return 0 }
            return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { storage in
                protobuf_c_message_pack(base, storage.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
    }

    private func withPacked<Result>(_ body: (UnsafePointer<ProtobufCMessage>, Int) -> Result) -> Result {
        CArena.withArena { arena in
            let base = UnsafePointer(Self.wireType.build(self, arena).assumingMemoryBound(to: ProtobufCMessage.self))
            return body(base, protobuf_c_message_get_packed_size(base))
        }
    }
}
