// FrameReader: frames whatever the reads' sizes, one pre-sized buffer per partial frame, and the shared budget.
import NIOCore
import NIOEmbedded
import Testing
import UnblockProtobufBridge
import UnblockWire

@Suite struct FrameReaderTests {
    static func framed(_ payloads: [[UInt8]]) -> [UInt8] {
        payloads.flatMap { payload in
            withUnsafeBytes(of: UInt32(payload.count).bigEndian, Array.init) + payload
        }
    }

    /// Feeds `bytes` to a reader in pieces of `piece` bytes; the payloads it passed on.
    static func read(_ bytes: [UInt8], piece: Int, reader: FrameReader) throws -> [[UInt8]] {
        let channel = EmbeddedChannel(handler: reader)
        for start in stride(from: 0, to: bytes.count, by: piece) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + piece, bytes.count)]))
        }
        var payloads: [[UInt8]] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) {
            payloads.append(Array(frame.readableBytesView))
        }
        _ = try channel.finish()
        return payloads
    }

    @Test func everyPieceSizeYieldsTheSameFrames() throws {
        let payloads: [[UInt8]] = [[], [1], Array(repeating: 0xAB, count: 300), [2, 3], Array(0...255)]
        let bytes = Self.framed(payloads)
        for piece in [1, 2, 3, 4, 5, 7, 64, 301, 1_000, bytes.count] {
            #expect(try Self.read(bytes, piece: piece, reader: FrameReader()) == payloads, "pieces of \(piece)")
        }
    }

    @Test func aPartialFrameIsHeldInOneBufferSizedForTheWholeFrame() throws {
        let budget = PartialFrameBudget(limit: 1 << 20)
        let channel = EmbeddedChannel(handler: FrameReader(budget: budget))
        let bytes = Self.framed([Array(repeating: 7, count: 10_000)])
        // The first kilobyte announces 10,000 bytes: the whole frame's room is taken at once.
        try channel.writeInbound(ByteBuffer(bytes: bytes.prefix(1_024)))
        #expect(budget.inUse == 10_004)
        for start in stride(from: 1_024, to: bytes.count, by: 1_024) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + 1_024, bytes.count)]))
            if start + 1_024 < bytes.count { #expect(budget.inUse == 10_004) }
        }
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 10_000)
        #expect(budget.inUse == 0)
        _ = try channel.finish()
    }

    @Test func partialFramesAreHeldToTheSharedBudget() throws {
        let budget = PartialFrameBudget(limit: 100)
        let first = EmbeddedChannel(handler: FrameReader(budget: budget))
        let second = EmbeddedChannel(handler: FrameReader(budget: budget))
        let eighty = Self.framed([Array(repeating: 1, count: 80)])
        try first.writeInbound(ByteBuffer(bytes: eighty.prefix(10)))
        #expect(budget.inUse == 84)
        // A second partial frame of 44 bytes does not fit beside it: that connection fails.
        let forty = Self.framed([Array(repeating: 2, count: 40)])
        #expect(throws: WireError.self) { try second.writeInbound(ByteBuffer(bytes: forty.prefix(10))) }
        #expect(budget.inUse == 84)
        // The first completes and gives its room back; a connection that goes away does too.
        try first.writeInbound(ByteBuffer(bytes: eighty.dropFirst(10)))
        #expect(try first.readInbound(as: ByteBuffer.self)?.readableBytes == 80)
        #expect(budget.inUse == 0)
        let third = EmbeddedChannel(handler: FrameReader(budget: budget))
        try third.writeInbound(ByteBuffer(bytes: forty.prefix(10)))
        #expect(budget.inUse == 44)
        _ = try third.finish()
        #expect(budget.inUse == 0)
        _ = try first.finish()
        _ = try? second.finish()
    }
}
