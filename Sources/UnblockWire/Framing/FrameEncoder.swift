// Writes frames: a 4-byte unsigned big-endian length, then the payload.
import NIOCore
import UnblockProtobufBridge

/// Encodes each outbound payload as one length-prefixed frame.
public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.reserveCapacity(minimumWritableBytes: FrameDecoder.lengthPrefixSize + data.readableBytes)
        out.writeInteger(UInt32(data.readableBytes))
        out.writeImmutableBuffer(data)
    }
}

extension ByteBuffer {
    /// Appends one complete request frame carrying `request`, packing it straight into the
    /// envelope (no intermediate copy of the request bytes).
    /// - Returns: the number of bytes written, prefix included.
    @discardableResult
    public mutating func writeRequestFrame(
        callID: UInt64,
        method: String,
        sessionToken: String = "",
        timeoutMilliseconds: UInt32? = nil,
        clientInfo: ClientInfo? = nil,
        request: some WireMessage
    ) -> Int {
        RequestFrame.writeFrame(
            callID: callID, method: method, sessionToken: sessionToken,
            timeoutMilliseconds: timeoutMilliseconds, clientInfo: clientInfo, request: request, into: &self
        )
    }

    /// Appends one complete OK response frame carrying `response`, packed straight into the envelope.
    /// - Returns: the number of bytes written, prefix included.
    @discardableResult
    public mutating func writeResponseFrame(callID: UInt64, response: some WireMessage) -> Int {
        ResponseFrame.writeFrame(callID: callID, response: response, into: &self)
    }

    /// Appends `message` as one complete frame (length prefix and payload), without an extra copy.
    /// - Returns: the number of bytes written, prefix included.
    @discardableResult
    public mutating func writeFrame(_ message: some WireMessage) -> Int {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        let length = message.serialize(into: &self)
        setInteger(UInt32(length), at: lengthIndex)
        return FrameDecoder.lengthPrefixSize + length
    }
}
