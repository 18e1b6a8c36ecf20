// The frame codec: every split of the input gives the same frames; oversized lengths are refused early.
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
import UnblockProtobufBridge
import UnblockWire

@Suite struct FrameCodecTests {
    static func framed(_ payloads: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for payload in payloads {
            buffer.writeInteger(UInt32(payload.count))
            buffer.writeBytes(payload)
        }
        return buffer
    }

    @Test func everySplitYieldsTheSameFrames() throws {
        let payloads: [[UInt8]] = [
            [], [1], Array(repeating: 0xAB, count: 300),
            RequestFrame(callID: 1, method: SelfService.Health.name).serializedBytes(),
        ]
        let input = Self.framed(payloads)
        let expected = payloads.map { ByteBuffer(bytes: $0) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, expected)],
            decoderFactory: { FrameDecoder(maximumFrameLength: 1024) }
        )
    }

    @Test func frameAtTheLimitIsAccepted() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 8)))
        try channel.writeInbound(Self.framed([Array(repeating: 1, count: 8)]))
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 8)
        #expect(try channel.finish().isClean)
    }

    @Test func oversizedLengthIsRejectedBeforeBuffering() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32.max)  // 4 GiB announced, 1 byte sent
        buffer.writeInteger(UInt8(0))
        do {
            try channel.writeInbound(buffer)
            Issue.record("oversized frame accepted")
        } catch let error as WireError {
            #expect(error.code == .frameTooLarge)
            #expect(error.message.contains("4294967295"))
        }
        _ = try? channel.finish()
    }

    /// The frames `FrameReader` passes on when `input` arrives in reads of the given sizes.
    static func read(_ input: ByteBuffer, inReadsOf sizes: [Int], maximum: Int = 1024) throws -> [ByteBuffer] {
        let channel = EmbeddedChannel(handler: FrameReader(maximumFrameLength: maximum))
        var input = input
        var sizes = sizes[...]
        while input.readableBytes > 0 {
            let size = min(sizes.popFirst() ?? input.readableBytes, input.readableBytes)
            try channel.writeInbound(input.readSlice(length: size)!)
        }
        var frames: [ByteBuffer] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) { frames.append(frame) }
        #expect(try channel.finish().isClean)
        return frames
    }

    @Test func theFrameReaderPassesOnTheSameFramesHoweverTheBytesArrive() throws {
        let payloads: [[UInt8]] = [
            [], [1], Array(repeating: 0xAB, count: 300),
            RequestFrame(callID: 1, method: SelfService.Health.name).serializedBytes(),
        ]
        let input = Self.framed(payloads)
        let expected = payloads.map { ByteBuffer(bytes: $0) }
        #expect(try Self.read(input, inReadsOf: []) == expected)
        #expect(try Self.read(input, inReadsOf: Array(repeating: 1, count: input.readableBytes)) == expected)
        for cut in 1..<input.readableBytes {
            #expect(try Self.read(input, inReadsOf: [cut]) == expected, "split at \(cut)")
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let sizes = (0..<20).map { _ in Int.random(in: 1...40, using: &random) }
            #expect(try Self.read(input, inReadsOf: sizes) == expected, "reads of \(sizes)")
        }
    }

    @Test func theFrameReaderRefusesAnOversizedLengthAndReadsNothingAfter() throws {
        #expect(try Self.read(Self.framed([Array(repeating: 1, count: 8)]), inReadsOf: [], maximum: 8).count == 1)
        let channel = EmbeddedChannel(handler: FrameReader(maximumFrameLength: 8))
        do {
            try channel.writeInbound(Self.framed([Array(repeating: 1, count: 9)]))
            Issue.record("oversized frame accepted")
        } catch let error as WireError {
            #expect(error.code == .frameTooLarge)
            #expect(error.message.contains("9 bytes"))
        }
        try channel.writeInbound(Self.framed([[1]]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try? channel.finish()
    }

    @Test func encoderWritesLengthThenPayload() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder()))
        try channel.writeOutbound(ByteBuffer(bytes: [7, 8, 9]))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == [0, 0, 0, 3, 7, 8, 9])
        #expect(try channel.finish().isClean)
    }

    @Test func writeFrameRoundTripsThroughTheDecoder() throws {
        let frame = ResponseFrame(callID: 9, statusCode: .notFound, statusMessage: "no such card")
        var buffer = ByteBuffer()
        let written = buffer.writeFrame(frame)
        #expect(written == buffer.readableBytes)
        var decoder = FrameDecoder()
        let payload = try #require(try decoder.decode(buffer: &buffer))
        #expect(try ResponseFrame(buffer: payload) == frame)
        #expect(buffer.readableBytes == 0)
    }
}
