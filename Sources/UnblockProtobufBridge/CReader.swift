// Checked reads of fields out of an unpacked protobuf-c struct.
import CProtobufC
import Glibc
import NIOCore

/// Converts C fields to Swift values, enforcing the contract protobuf-c does not:
/// UTF-8, size limits and known enum values.
@usableFromInline package enum CReader {
    @usableFromInline package static func string(
        _ pointer: UnsafePointer<CChar>?,
        field: StaticString,
        limit: Int = WireLimits.maxStringBytes
    ) throws(WireError) -> String {
        guard let pointer else { return "" }
        return try string(pointer, length: length(pointer, field: field, limit: limit), field: field)
    }

    /// Like `string`, but returns the shared instance when the value is one of `known`
    /// (method names: a fixed set, read on every call), so that no string is allocated.
    @usableFromInline package static func string(
        _ pointer: UnsafePointer<CChar>?,
        field: StaticString,
        interning known: [String]
    ) throws(WireError) -> String {
        guard let pointer else { return "" }
        let length = try length(pointer, field: field, limit: WireLimits.maxStringBytes)
        for candidate in known where candidate.utf8.count == length {
            var candidate = candidate
            if candidate.withUTF8({ memcmp($0.baseAddress!, pointer, length) == 0 }) { return candidate }
        }
        return try string(pointer, length: length, field: field)
    }

    private static func length(_ pointer: UnsafePointer<CChar>, field: StaticString, limit: Int) throws(WireError)
        -> Int
    {
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else {
            throw WireError(code: .fieldTooLong, message: "\(field) is longer than \(limit) bytes")
        }
        return length
    }

    /// Copies `length` bytes: ASCII (nearly every string here) without a second scan for the
    /// terminator; anything else through the validating C-string initializer.
    private static func string(_ pointer: UnsafePointer<CChar>, length: Int, field: StaticString) throws(WireError)
        -> String
    {
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length).bindMemory(to: UInt8.self)
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        // Not generic: no runtime type lookups on this path either.
        guard let string = String(validatingCString: pointer) else {
            throw WireError(code: .invalidUTF8, message: "\(field) is not valid UTF-8")
        }
        return string
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        return high < 0x80
    }

    @usableFromInline package static func bytes(
        _ data: ProtobufCBinaryData,
        field: StaticString,
        limit: Int = WireLimits.maxSmallBytes
    ) throws(WireError) -> [UInt8] {
        guard data.len <= limit else {
            throw WireError(code: .fieldTooLong, message: "\(field) is longer than \(limit) bytes")
        }
        guard data.len > 0, let pointer = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: data.len))
    }

    /// A bytes field as a slice of `payload` (no copy) when it is the payload's tail, as it is
    /// when an encoder writes the highest-numbered field last (ours and protobuf-c's do);
    /// otherwise a copy. Either way the bytes are the field's.
    @usableFromInline package static func bytes(
        _ data: ProtobufCBinaryData,
        in payload: ByteBuffer,
        field: StaticString,
        limit: Int = WireLimits.maxSmallBytes
    ) throws(WireError) -> ByteBuffer {
        guard data.len <= limit else {
            throw WireError(code: .fieldTooLong, message: "\(field) is longer than \(limit) bytes")
        }
        guard data.len > 0, let pointer = data.data else {
            return payload.getSlice(at: payload.writerIndex, length: 0)!
        }
        let tail = payload.writerIndex - data.len
        let isTail =
            tail >= payload.readerIndex
            && payload.withUnsafeReadableBytes {
                memcmp($0.baseAddress! + (tail - payload.readerIndex), pointer, data.len)
            }
                == 0
        if isTail { return payload.getSlice(at: tail, length: data.len)! }
        return ByteBuffer(bytes: UnsafeBufferPointer(start: pointer, count: data.len))
    }

    @inlinable package static func enumeration<Value: RawRepresentable<UInt32>>(
        _ raw: UInt32,
        field: StaticString
    ) throws(WireError) -> Value {
        guard let value = Value(rawValue: raw) else {
            throw WireError(code: .unknownEnumValue, message: "\(field) has unknown value \(raw)")
        }
        return value
    }

    @inlinable package static func enumerations<Value: RawRepresentable<UInt32>, CValue: RawRepresentable<UInt32>>(
        _ count: Int,
        _ pointer: UnsafePointer<CValue>?,
        field: StaticString
    ) throws(WireError) -> [Value] {
        guard count > 0, let pointer else { return [] }
        var values: [Value] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            values.append(try enumeration(pointer[index].rawValue, field: field))
        }
        return values
    }

    @inlinable package static func message<Message: WireMessage, CMessage>(
        _ pointer: UnsafePointer<CMessage>?
    ) throws(WireError) -> Message? {
        guard let pointer else { return nil }
        return try Message.wireType.read(UnsafeRawPointer(pointer))
    }

    @inlinable package static func messages<Message: WireMessage, CMessage>(
        _ count: Int,
        _ pointers: UnsafePointer<UnsafeMutablePointer<CMessage>?>?
    ) throws(WireError) -> [Message] {
        guard count > 0, let pointers else { return [] }
        var messages: [Message] = []
        messages.reserveCapacity(count)
        for index in 0..<count {
            if let message: Message = try message(UnsafePointer(pointers[index])) { messages.append(message) }
        }
        return messages
    }
}
