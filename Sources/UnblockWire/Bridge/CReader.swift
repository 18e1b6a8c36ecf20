// Checked reads of fields out of an unpacked protobuf-c struct.
import CProtobufC
import Glibc

/// Converts C fields to Swift values, enforcing the contract protobuf-c does not:
/// UTF-8, size limits and known enum values.
package enum CReader {
    package static func string(
        _ pointer: UnsafePointer<CChar>?,
        field: StaticString,
        limit: Int = WireLimits.maxStringBytes
    ) throws(WireError) -> String {
        guard let pointer else { return "" }
        guard strnlen(pointer, limit + 1) <= limit else {
            throw WireError(code: .fieldTooLong, message: "\(field) is longer than \(limit) bytes")
        }
        // The C-string initializer is not generic: no runtime type lookups on this hot path.
        guard let string = String(validatingCString: pointer) else {
            throw WireError(code: .invalidUTF8, message: "\(field) is not valid UTF-8")
        }
        return string
    }

    /// Like `string`, but returns the shared instance when the value is one of `known`
    /// (method names: a fixed set, read on every call), so that no string is allocated.
    package static func string(
        _ pointer: UnsafePointer<CChar>?,
        field: StaticString,
        interning known: [String]
    ) throws(WireError) -> String {
        if let pointer {
            for candidate in known {
                var candidate = candidate
                let matches = candidate.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { strncmp($0.baseAddress!, pointer, utf8.count) == 0 }
                        && pointer[utf8.count] == 0
                }
                if matches { return candidate }
            }
        }
        return try string(pointer, field: field)
    }

    package static func bytes(
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

    package static func enumeration<Value: RawRepresentable<UInt32>>(
        _ raw: UInt32,
        field: StaticString
    ) throws(WireError) -> Value {
        guard let value = Value(rawValue: raw) else {
            throw WireError(code: .unknownEnumValue, message: "\(field) has unknown value \(raw)")
        }
        return value
    }

    package static func enumerations<Value: RawRepresentable<UInt32>, CValue: RawRepresentable<UInt32>>(
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

    package static func message<Message: WireMessage, CMessage>(
        _ pointer: UnsafePointer<CMessage>?
    ) throws(WireError) -> Message? {
        guard let pointer else { return nil }
        return try Message.wireType.read(UnsafeRawPointer(pointer))
    }

    package static func messages<Message: WireMessage, CMessage>(
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
