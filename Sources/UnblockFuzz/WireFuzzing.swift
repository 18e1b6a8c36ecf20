// One fuzz input through everything that parses bytes from a client or a server: frames, envelopes, messages.
import NIOCore
import UnblockProtobufBridge
import UnblockWire

/// What the fuzzer checks of one input. Parsing may fail, never crash (the sanitizers and
/// Swift's own checks catch memory errors and overflows); a message that parses encodes to
/// bytes that parse again to the same encoding, so that no value is read differently than
/// it is written.
enum WireFuzzing {
    static func check(_ bytes: UnsafeRawBufferPointer) {
        checkEveryMessage(bytes)
        checkFrameStream(bytes)
        if let frame = try? RequestFrame(serializedBytes: bytes) { checkRequest(in: frame) }
    }

    /// The input as each message of the contract.
    private static func checkEveryMessage(_ bytes: UnsafeRawBufferPointer) {
        roundTrip(RequestFrame.self, bytes)
        roundTrip(ResponseFrame.self, bytes)
        roundTrip(AuthenticateRequest.self, bytes)
        roundTrip(AuthenticateResponse.self, bytes)
        roundTrip(LogoutRequest.self, bytes)
        roundTrip(LogoutResponse.self, bytes)
        roundTrip(ListCardsRequest.self, bytes)
        roundTrip(ListCardsResponse.self, bytes)
        roundTrip(EnableProcessRequest.self, bytes)
        roundTrip(EnableProcessResponse.self, bytes)
        roundTrip(DisableProcessRequest.self, bytes)
        roundTrip(DisableProcessResponse.self, bytes)
        roundTrip(UnblockPinOfflineRequest.self, bytes)
        roundTrip(UnblockPinOfflineResponse.self, bytes)
        roundTrip(HealthRequest.self, bytes)
        roundTrip(HealthResponse.self, bytes)
    }

    /// A request frame's message as its method's request, from the frame's slice of the
    /// buffer, as the server reads it.
    private static func checkRequest(in frame: RequestFrame) {
        let message = frame.message
        switch frame.method {
        case SelfService.Authenticate.name: _ = try? AuthenticateRequest(buffer: message)
        case SelfService.Logout.name: _ = try? LogoutRequest(buffer: message)
        case SelfService.ListCards.name: _ = try? ListCardsRequest(buffer: message)
        case SelfService.EnableProcess.name: _ = try? EnableProcessRequest(buffer: message)
        case SelfService.DisableProcess.name: _ = try? DisableProcessRequest(buffer: message)
        case SelfService.UnblockPinOffline.name: _ = try? UnblockPinOfflineRequest(buffer: message)
        case SelfService.Health.name: _ = try? HealthRequest(buffer: message)
        default: break
        }
    }

    /// The input as a byte stream, cut where its first byte says: every frame the decoder
    /// finds lies inside the input and within the limit.
    private static func checkFrameStream(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        let cut = min(Int(first), bytes.count)
        var decoder = FrameDecoder(maximumFrameLength: 1 << 16)
        var stream = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<cut]))
        var total = 0
        do {
            total += try decodeFrames(&decoder, &stream)
            stream.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[cut...]))
            total += try decodeFrames(&decoder, &stream)
        } catch {
            return  // an oversized length: refused, as it must be
        }
        precondition(total <= bytes.count, "frames decoded past the end of the input")
    }

    /// Decodes the frames `stream` holds; returns the bytes they took, length prefixes included.
    private static func decodeFrames(_ decoder: inout FrameDecoder, _ stream: inout ByteBuffer) throws -> Int {
        var total = 0
        while let frame = try decoder.decode(buffer: &stream) {
            precondition(frame.readableBytes <= decoder.maximumFrameLength, "a frame over the limit was passed on")
            total += FrameDecoder.lengthPrefixSize + frame.readableBytes
            _ = try? RequestFrame(buffer: frame)
        }
        return total
    }

    private static func roundTrip<Message: WireMessage>(_: Message.Type, _ bytes: UnsafeRawBufferPointer) {
        guard let message = try? Message(serializedBytes: bytes) else { return }
        let encoded = message.serializedBytes()
        guard let again = try? Message(serializedBytes: encoded) else {
            preconditionFailure("\(Message.self): its own encoding does not parse")
        }
        precondition(again.serializedBytes() == encoded, "\(Message.self): encoding changes on a round trip")
    }
}
