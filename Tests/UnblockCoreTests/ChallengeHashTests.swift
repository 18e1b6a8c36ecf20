// ChallengeHash: the 32 bytes in, the same 32 bytes out; anything else refused.
import Testing
import UnblockCore

@Suite struct ChallengeHashTests {
    @Test func keepsTheBytesInOrder() {
        let bytes = (0..<32).map { UInt8($0 * 7 + 1) }
        #expect(ChallengeHash(bytes)?.bytes == bytes)
    }

    @Test func equalOnlyForEqualBytes() {
        let bytes = [UInt8](repeating: 0xAB, count: 32)
        for index in bytes.indices {
            var other = bytes
            other[index] ^= 1
            #expect(ChallengeHash(other) != ChallengeHash(bytes))
            #expect(Set([ChallengeHash(other)!, ChallengeHash(bytes)!]).count == 2)
        }
        #expect(ChallengeHash(bytes) == ChallengeHash(Array(bytes)))
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func refusesOtherLengths(_ count: Int) {
        #expect(ChallengeHash([UInt8](repeating: 1, count: count)) == nil)
    }
}
