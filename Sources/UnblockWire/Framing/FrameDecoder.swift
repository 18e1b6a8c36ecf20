// Splits a byte stream into frames: a 4-byte unsigned big-endian length, then that many bytes.
import NIOCore
import UnblockProtobufBridge

/// Decodes length-prefixed frames, refusing any length over `maximumFrameLength`
/// before buffering a byte of it.
///
/// Each decoded frame is the payload alone (the length prefix is dropped). A length
/// over the limit throws `WireError` with code `.frameTooLarge`; the server answers
/// that with a status frame and closes the connection.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// Size of the length prefix in bytes.
    public static let lengthPrefixSize = 4

    /// Largest payload accepted, in bytes.
    public let maximumFrameLength: Int

    /// - Parameter maximumFrameLength: largest payload accepted (default 4 MiB).
    public init(maximumFrameLength: Int = WireLimits.defaultMaxFrameBytes) {
        precondition(maximumFrameLength >= 0 && maximumFrameLength <= Int(UInt32.max))
        self.maximumFrameLength = maximumFrameLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maximumFrameLength else {
            throw WireError(
                code: .frameTooLarge,
                message: "frame of \(length) bytes is over the limit of \(maximumFrameLength) bytes"
            )
        }
        guard buffer.readableBytes >= Self.lengthPrefixSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Self.lengthPrefixSize)
        return buffer.readSlice(length: Int(length))
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        // A partial frame at EOF is dropped: the peer went away mid-frame.
        try decode(buffer: &buffer)
    }
}
