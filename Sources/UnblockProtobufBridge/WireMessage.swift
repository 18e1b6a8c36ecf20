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
///
/// Every closure is formed in a generic initializer that the optimizer specializes for
/// each message, so the work inside runs on concrete types (no runtime generic lookups).
public final class WireType<Message>: Sendable {
    /// Builds the C struct of a message in an arena; returns its address (for sub-messages).
    @usableFromInline package let build: @Sendable (Message, inout CArena) -> UnsafeMutableRawPointer
    /// Reads a C struct (as unpacked by protobuf-c) into a Swift message (for sub-messages).
    @usableFromInline package let read: @Sendable (UnsafeRawPointer) throws(WireError) -> Message
    /// Parses bytes; a nil allocator means the stack-backed `UnpackAllocator`.
    @usableFromInline
    let parse:
        @Sendable (UnsafeRawBufferPointer, UnsafeMutablePointer<ProtobufCAllocator>?) throws(WireError) -> Message
    /// Parses the readable bytes of a buffer (fields may share its storage, see `readInPayload`).
    @usableFromInline
    let parseBuffer: @Sendable (ByteBuffer) throws(WireError) -> Message
    /// Appends the encoding to a buffer; returns the number of bytes written.
    @usableFromInline
    let serialize: @Sendable (Message, inout ByteBuffer) -> Int
    /// The encoding as an array, built in an arena of the given size.
    @usableFromInline
    let serializeToArray: @Sendable (Message, Int) -> [UInt8]
    /// The encoding packed into arena memory, as a bytes field of an enclosing envelope.
    @usableFromInline package let packInArena: @Sendable (Message, inout CArena) -> ProtobufCBinaryData

    @inlinable package init<CMessage>(
        initialize: @escaping @Sendable (UnsafeMutablePointer<CMessage>?) -> Void,
        unpack cUnpack:
            @escaping @Sendable (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) ->
            UnsafeMutablePointer<CMessage>?,
        free: @escaping @Sendable (UnsafeMutablePointer<CMessage>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
        read: @escaping @Sendable (CMessage) throws(WireError) -> Message,
        readInPayload: (@Sendable (CMessage, ByteBuffer) throws(WireError) -> Message)? = nil,
        write: @escaping @Sendable (Message, inout CMessage, inout CArena) -> Void
    ) {
        let build: @Sendable (Message, inout CArena) -> UnsafeMutableRawPointer = { message, arena in
            let pointer = arena.uninitialized(CMessage.self)
            initialize(pointer)
            write(message, &pointer.pointee, &arena)
            return UnsafeMutableRawPointer(pointer)
        }
        self.build = build
        self.read = { pointer throws(WireError) in
            try read(pointer.assumingMemoryBound(to: CMessage.self).pointee)
        }

        /// Unpacks with `allocator` and converts the C struct with `convert`.
        @Sendable func unpack(
            _ bytes: UnsafeRawBufferPointer,
            _ allocator: UnsafeMutablePointer<ProtobufCAllocator>,
            _ convert: (CMessage) throws(WireError) -> Message
        ) -> Result<Message, WireError> {
            // protobuf-c wants a non-null pointer even for zero bytes.
            let data =
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(UnpackAllocator.emptyInput)
            guard let unpacked = cUnpack(allocator, bytes.count, data) else {
                return .failure(
                    WireError(code: .malformedMessage, message: "\(Message.self) is not a valid protobuf encoding"))
            }
            defer { if UnpackAllocator.needsFree(allocator) { free(unpacked, allocator) } }
            let descriptor = UnsafeRawPointer(unpacked).assumingMemoryBound(to: ProtobufCMessage.self).pointee
                .descriptor!
            guard !EmbeddedNUL.isPresent(in: UnsafeRawBufferPointer(start: data, count: bytes.count), descriptor) else {
                return .failure(
                    WireError(code: .embeddedNUL, message: "\(Message.self) has a string with a NUL character"))
            }
            return Result { () throws(WireError) in try convert(unpacked.pointee) }
        }
        self.parse = { bytes, allocator throws(WireError) in
            if let allocator { return try unpack(bytes, allocator, read).get() }
            return try UnpackAllocator.withAllocator { unpack(bytes, $0, read) }.get()
        }
        self.parseBuffer = { buffer throws(WireError) in
            try buffer.withUnsafeReadableBytes { bytes in
                UnpackAllocator.withAllocator { allocator in
                    if let readInPayload {
                        unpack(bytes, allocator) { c throws(WireError) in try readInPayload(c, buffer) }
                    } else {
                        unpack(bytes, allocator, read)
                    }
                }
            }.get()
        }

        @Sendable func withPacked<Result>(
            _ message: Message,
            arenaBytes: Int = CArena.stackBytes,
            _ body: (UnsafePointer<ProtobufCMessage>, Int) -> Result
        ) -> Result {
            CArena.withArena(bytes: arenaBytes) { arena in
                let base = UnsafePointer(build(message, &arena).assumingMemoryBound(to: ProtobufCMessage.self))
                return body(base, protobuf_c_message_get_packed_size(base))
            }
        }
        self.serialize = { message, buffer in
            withPacked(message) { base, size in
                guard size > 0 else { return 0 }
                return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { storage in
                    protobuf_c_message_pack(base, storage.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        self.packInArena = { message, arena in
            let base = UnsafePointer(build(message, &arena).assumingMemoryBound(to: ProtobufCMessage.self))
            let size = protobuf_c_message_get_packed_size(base)
            guard size > 0 else { return ProtobufCBinaryData(len: 0, data: nil) }
            let storage = arena.bytes(count: size)
            return ProtobufCBinaryData(len: protobuf_c_message_pack(base, storage), data: storage)
        }
        self.serializeToArray = { message, arenaBytes in
            withPacked(message, arenaBytes: arenaBytes) { base, size in
                [UInt8](unsafeUninitializedCapacity: size) { storage, count in
                    count = size == 0 ? 0 : protobuf_c_message_pack(base, storage.baseAddress!)
                }
            }
        }
    }
}

extension WireMessage {
    /// Parses a message from its protobuf encoding.
    /// - Throws: `WireError` when the bytes are malformed or break the contract's limits.
    @inlinable
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws(WireError) {
        self = try Self.wireType.parse(bytes, nil)
    }

    /// Parses with a given protobuf-c allocator, so that tests can account for every allocation.
    @usableFromInline package init(
        serializedBytes bytes: UnsafeRawBufferPointer,
        allocator: UnsafeMutablePointer<ProtobufCAllocator>
    ) throws(WireError) {
        self = try Self.wireType.parse(bytes, allocator)
    }

    /// Parses a message from its protobuf encoding.
    /// - Throws: `WireError` when the bytes are malformed or break the contract's limits.
    @inlinable
    public init(serializedBytes bytes: [UInt8]) throws(WireError) {
        // The closure APIs rethrow untyped errors, so the typed error travels out in a Result.
        self = try bytes.withUnsafeBytes { raw in Result { () throws(WireError) in try Self.wireType.parse(raw, nil) } }
            .get()
    }

    /// Parses a message from the readable bytes of `buffer` (the reader index is not moved).
    /// - Throws: `WireError` when the bytes are malformed or break the contract's limits.
    @inlinable
    public init(buffer: ByteBuffer) throws(WireError) {
        self = try Self.wireType.parseBuffer(buffer)
    }

    /// The protobuf encoding of the message.
    @inlinable
    public func serializedBytes() -> [UInt8] {
        Self.wireType.serializeToArray(self, 1_024)  // CArena.stackBytes; small messages stay on the stack
    }

    /// The encoding of a large message (a snapshot chunk, a batch's journal record), built in
    /// one scratch block of `scratchBytes` (at least the stack's) instead of many small allocations.
    @usableFromInline package func serializedBytes(scratchBytes: Int) -> [UInt8] {
        Self.wireType.serializeToArray(self, max(scratchBytes, CArena.stackBytes))
    }

    /// Parses a large message with one scratch block of `scratchBytes` for protobuf-c's allocations.
    @usableFromInline package init(serializedBytes bytes: UnsafeRawBufferPointer, scratchBytes: Int) throws(WireError) {
        let result = UnpackAllocator.withAllocator(scratchBytes: scratchBytes) { allocator in
            Result { () throws(WireError) in try Self.wireType.parse(bytes, allocator) }
        }
        self = try result.get()
    }

    /// Appends the protobuf encoding of the message to `buffer`; returns the number of bytes written.
    @inlinable
    @discardableResult
    public func serialize(into buffer: inout ByteBuffer) -> Int {
        Self.wireType.serialize(self, &buffer)
    }
}
