// Random, truncated and bit-flipped input to every parser: errors, never a crash, never a leak.
import CProtobufC
import Glibc
import Testing
import UnblockProtobufBridge
import UnblockWire

/// A small deterministic generator (SplitMix64), so that a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutations of a valid encoding: truncations, bit flips and random bytes.
func hostileInputs(from valid: [UInt8], count: Int, generator: inout SeededGenerator) -> [[UInt8]] {
    var inputs: [[UInt8]] = (0..<valid.count).map { Array(valid.prefix($0)) }
    while inputs.count < count {
        var bytes = valid
        switch generator.next() % 3 {
        case 0 where !bytes.isEmpty:
            for _ in 0...(generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] ^= UInt8(1 << (generator.next() % 8))
            }
        case 1:
            bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        default:
            bytes.insert(
                UInt8.random(in: 0...255, using: &generator), at: Int(generator.next() % UInt64(bytes.count + 1)))
        }
        inputs.append(bytes)
    }
    return inputs
}

/// A protobuf-c allocator that counts what it hands out and what comes back.
final class CountingAllocator {
    var live = 0
    var total = 0
    var allocator = ProtobufCAllocator()

    init() {
        allocator.alloc = { data, size in
            let counter = Unmanaged<CountingAllocator>.fromOpaque(data!).takeUnretainedValue()
            counter.live += 1
            counter.total += 1
            return malloc(size)
        }
        allocator.free = { data, pointer in
            guard let pointer else { return }
            Unmanaged<CountingAllocator>.fromOpaque(data!).takeUnretainedValue().live -= 1
            free(pointer)
        }
        allocator.allocator_data = Unmanaged.passUnretained(self).toOpaque()
    }
}

@Suite struct HostileBytesTests {
    @Test(arguments: Samples.all)
    func mutatedInputNeverCrashes(_ sample: AnyWireMessage) {
        var generator = SeededGenerator(state: 0xC0FFEE)
        var rejected = 0
        for bytes in hostileInputs(from: sample.serialize(), count: 2_000, generator: &generator) {
            do {
                try bytes.withUnsafeBytes { try sample.parse($0) }
            } catch is WireError {
                rejected += 1
            } catch {
                Issue.record("unexpected error type \(type(of: error))")
            }
        }
        // Random bytes are mostly invalid; a parser that accepted everything would be wrong.
        #expect(rejected > 0)
    }

    @Test(arguments: Samples.all)
    func bufferAndArrayParsersAgree(_ sample: AnyWireMessage) {
        var generator = SeededGenerator(state: 0xB0FFE4)
        let valid = sample.serialize()
        // A frame's message is sliced out of the buffer only when it is the payload's tail;
        // a repeated leading field moves it off the tail, where it must be copied instead.
        let reordered = valid + Array(valid.prefix(2))
        for bytes in [valid, reordered] + hostileInputs(from: valid, count: 500, generator: &generator) {
            #expect(sample.buffersAgree(bytes), "\(bytes)")
        }
    }

    @Test func everyUnpackedMessageIsFreed() {
        var generator = SeededGenerator(state: 7)
        let counter = CountingAllocator()
        let valid = ListCardsResponse(cards: [Samples.card, Samples.card]).serializedBytes()
        var parsed = 0
        withExtendedLifetime(counter) {
            for bytes in hostileInputs(from: valid, count: 5_000, generator: &generator) + [valid] {
                let result = bytes.withUnsafeBytes { raw in
                    Result { () throws(WireError) in
                        try ListCardsResponse(serializedBytes: raw, allocator: &counter.allocator)
                    }
                }
                if case .success = result { parsed += 1 }
            }
        }
        #expect(parsed > 0)
        #expect(counter.total > 0)
        #expect(counter.live == 0)
    }

    @Test func aStringWithANULIsRefusedNotCutShort() throws {
        // RequestFrame: call_id 1, session_token "tok\0garbage" (field 3, 11 bytes).
        let token: [UInt8] = [0x08, 0x01, 0x1A, 0x0B] + Array("tok".utf8) + [0] + Array("garbage".utf8)
        #expect(throws: WireError(code: .embeddedNUL, message: "RequestFrame has a string with a NUL character")) {
            try RequestFrame(serializedBytes: token)
        }
        // Inside a nested message: ListCardsResponse { cards { serial "04\0AA" } }.
        let nested: [UInt8] = [0x0A, 0x07, 0x12, 0x05] + Array("04".utf8) + [0] + Array("AA".utf8)
        #expect(throws: WireError.self) { try ListCardsResponse(serializedBytes: nested) }
        // Zero bytes elsewhere are fine: a bytes field, a varint of 0.
        let bytesField: [UInt8] = [0x08, 0x01, 0x2A, 0x03, 0x00, 0x00, 0x00]
        #expect(try RequestFrame(serializedBytes: bytesField).message.readableBytes == 3)
        let card = try ListCardsResponse(serializedBytes: [0x0A, 0x06, 0x12, 0x02] + Array("04".utf8) + [0x20, 0x00])
        #expect(card.cards.first?.serial == "04")
    }
}
