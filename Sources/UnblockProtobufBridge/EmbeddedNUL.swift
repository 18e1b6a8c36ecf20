// Finds a NUL byte inside a string field, which protobuf-c's NUL-terminated strings would cut short.
import CProtobufC
import Glibc

/// protobuf-c hands strings over NUL-terminated: `"token\0garbage"` arrives as `"token"`, so
/// a value with a NUL inside would be read as another value. Such an encoding is refused.
@usableFromInline enum EmbeddedNUL {
    /// Whether a string field of the message `descriptor` describes (or of a message inside
    /// it) holds a NUL byte. `bytes` must have unpacked successfully: it is well formed.
    @usableFromInline static func isPresent(
        in bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    )
        -> Bool
    {
        // Most encodings have no zero byte at all; only those that do are walked field by field.
        guard let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil else { return false }
        var offset = 0
        while offset < bytes.count {
            guard let tag = varint(bytes, &offset) else { return false }
            switch tag & 7 {
            case 0: _ = varint(bytes, &offset)
            case 1: offset += 8
            case 5: offset += 4
            case 2:
                guard let length = varint(bytes, &offset).map(Int.init), length <= bytes.count - offset else {
                    return false
                }
                let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
                offset += length
                guard
                    let field = protobuf_c_message_descriptor_get_field(
                        descriptor, UInt32(truncatingIfNeeded: tag >> 3))
                else { continue }
                switch field.pointee.type {
                case PROTOBUF_C_TYPE_STRING:
                    if let start = value.baseAddress, memchr(start, 0, value.count) != nil { return true }
                case PROTOBUF_C_TYPE_MESSAGE:
                    let inner = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    if isPresent(in: value, inner) { return true }
                default: break
                }
            default: return false
            }
        }
        return false
    }

    private static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count && shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
