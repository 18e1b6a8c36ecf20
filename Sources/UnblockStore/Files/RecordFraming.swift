// Records on disk: a 4-byte length, a 4-byte CRC-32C of the payload, then the payload.

/// The framing shared by journals and snapshots (both little-endian).
///
/// ```
/// +-----------------+------------------+-------------------+
/// | length (UInt32) | crc32c (UInt32)  | payload (length)  |
/// +-----------------+------------------+-------------------+
/// ```
enum RecordFraming {
    static let headerSize = 8
    /// A record larger than this is taken as a corrupt length, not a real record.
    static let maximumPayload = 1 << 30

    /// Appends one framed record to `output`.
    static func append(_ payload: [UInt8], to output: inout [UInt8]) {
        let checksum = CRC32C.checksum(payload)
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { output.append(contentsOf: $0) }
        withUnsafeBytes(of: checksum.littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: payload)
    }

    /// One record read back, or why the bytes at an offset are not one.
    enum Read: Equatable {
        case record(payload: Range<Int>, next: Int)
        /// The bytes end inside a record's header or payload (a write cut short).
        case truncated
        /// A complete record whose checksum or length is wrong.
        case corrupt(reason: String)
    }

    /// Reads the record at `offset` of `bytes`.
    static func read(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Read {
        guard bytes.count - offset >= headerSize else { return .truncated }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let expected = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard length <= maximumPayload else { return .corrupt(reason: "impossible record length \(length)") }
        let start = offset + headerSize
        guard bytes.count - start >= length else { return .truncated }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
        guard CRC32C.checksum(payload) == expected else { return .corrupt(reason: "checksum mismatch") }
        return .record(payload: start..<start + length, next: start + length)
    }
}
