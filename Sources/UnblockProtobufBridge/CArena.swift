// Scratch memory for building protobuf-c structs: bump-allocated from a stack buffer, freed all at once.
import CProtobufC
import NIOCore

/// Memory for the C struct of a message under construction.
///
/// protobuf-c messages hold raw pointers (NUL-terminated strings, arrays, sub-messages).
/// The arena hands them out from a stack buffer (heap only past it), and everything it
/// handed out is released when `withArena` returns, so nothing can outlive the pack.
@usableFromInline package struct CArena: ~Copyable {
    /// Swift's temporary allocations stay on the stack only up to 1 KiB; past that they are malloc'd.
    @usableFromInline package static let stackBytes = 1024

    @usableFromInline var cursor: UnsafeMutableRawPointer
    @usableFromInline var remaining: Int
    @usableFromInline var overflow: [UnsafeMutableRawPointer] = []

    @usableFromInline init(_ buffer: UnsafeMutableRawBufferPointer) {
        cursor = buffer.baseAddress!
        remaining = buffer.count
    }

    deinit {
        for block in overflow { block.deallocate() }
    }

    /// Runs `body` with a fresh arena of `bytes` (on the stack when small); all its memory is gone afterwards.
    @inlinable package static func withArena<Result>(bytes: Int = stackBytes, _ body: (inout CArena) -> Result)
        -> Result
    {
        withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 16) { buffer in
            var arena = CArena(buffer)
            return body(&arena)
        }
    }

    @inlinable mutating func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let alignment = MemoryLayout<T>.alignment
        let byteCount = MemoryLayout<T>.stride * count
        let padding = (alignment - Int(bitPattern: cursor) % alignment) % alignment
        if padding + byteCount <= remaining {
            let pointer = cursor + padding
            cursor = pointer + byteCount
            remaining -= padding + byteCount
            return pointer.bindMemory(to: T.self, capacity: count)
        }
        let block = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: max(alignment, 16))
        overflow.append(block)
        return block.bindMemory(to: T.self, capacity: count)
    }

    /// A NUL-terminated copy of `string`.
    @inlinable package mutating func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let pointer = allocate(CChar.self, count: utf8.count + 1)
            if utf8.count > 0 {
                UnsafeMutableRawPointer(pointer).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count)
            }
            pointer[utf8.count] = 0
            return pointer
        }
    }

    /// A protobuf-c bytes field holding a copy of `bytes`.
    @inlinable package mutating func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A protobuf-c bytes field holding a copy of the readable bytes of `buffer`.
    @inlinable package mutating func bytes(_ buffer: ByteBuffer) -> ProtobufCBinaryData {
        guard buffer.readableBytes > 0 else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: buffer.readableBytes)
        buffer.withUnsafeReadableBytes {
            UnsafeMutableRawPointer(pointer).copyMemory(from: $0.baseAddress!, byteCount: $0.count)
        }
        return ProtobufCBinaryData(len: buffer.readableBytes, data: pointer)
    }

    /// Uninitialised bytes, for packing a message into.
    @inlinable package mutating func bytes(count: Int) -> UnsafeMutablePointer<UInt8> {
        allocate(UInt8.self, count: count)
    }

    /// A C array holding `values` (nil when empty, as protobuf-c expects).
    @inlinable package mutating func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(T.self, count: values.count)
        pointer.initialize(from: values, count: values.count)
        return pointer
    }

    /// A C array of enum values converted from Swift enums with the same raw values.
    @inlinable package mutating func enumerations<Value: RawRepresentable<UInt32>, CValue: RawRepresentable<UInt32>>(
        _ values: [Value],
        as type: CValue.Type
    ) -> UnsafeMutablePointer<CValue>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(CValue.self, count: values.count)
        for index in values.indices {
            (pointer + index).initialize(to: CValue(rawValue: values[index].rawValue)!)
        }
        return pointer
    }

    /// Packs the C struct at `base` (built in this arena) into a buffer, with a 4-byte length prefix.
    @inlinable package static func packFrame(_ base: UnsafeMutableRawPointer, into buffer: inout ByteBuffer) -> Int {
        let message = UnsafePointer(base.assumingMemoryBound(to: ProtobufCMessage.self))
        let size = protobuf_c_message_get_packed_size(message)
        buffer.writeInteger(UInt32(size))
        guard size > 0 else { return 4 }
        return 4
            + buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { storage in
                protobuf_c_message_pack(message, storage.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
    }

    /// The C struct of `message`, built in this arena.
    @inlinable package mutating func message<Message: WireMessage, CMessage>(
        _ message: Message,
        as type: CMessage.Type
    ) -> UnsafeMutablePointer<CMessage> {
        Message.wireType.build(message, &self).assumingMemoryBound(to: CMessage.self)
    }

    /// A C array of pointers to the C structs of `messages`.
    @inlinable package mutating func messages<Message: WireMessage, CMessage>(
        _ messages: [Message],
        as type: CMessage.Type
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CMessage>?>? {
        guard !messages.isEmpty else { return nil }
        let pointers = allocate(UnsafeMutablePointer<CMessage>?.self, count: messages.count)
        // Indices, not enumerated(): generic code like this runs unspecialized from other
        // modules, where the enumerated iterator cost a metadata lookup per element.
        for index in messages.indices {
            (pointers + index).initialize(to: message(messages[index], as: type))
        }
        return pointers
    }

    /// Raw storage for one C message struct, left uninitialised for its generated `__init`.
    @inlinable package mutating func uninitialized<CMessage>(_ type: CMessage.Type) -> UnsafeMutablePointer<CMessage> {
        allocate(type, count: 1)
    }
}
