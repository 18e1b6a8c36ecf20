// SHA256Hash: the 32 bytes in, the same 32 bytes out; anything else refused.
import Testing
import UnblockCrypto

@Suite struct SHA256HashTests {
    @Test func keepsTheBytesInOrder() {
        let bytes = (0..<32).map { UInt8($0 * 7 + 1) }
        #expect(SHA256Hash(bytes)?.bytes == bytes)
    }

    @Test func equalOnlyForEqualBytes() {
        let bytes = [UInt8](repeating: 0xAB, count: 32)
        for index in bytes.indices {
            var other = bytes
            other[index] ^= 1
            #expect(SHA256Hash(other) != SHA256Hash(bytes))
            #expect(Set([SHA256Hash(other)!, SHA256Hash(bytes)!]).count == 2)
        }
        #expect(SHA256Hash(bytes) == SHA256Hash(Array(bytes)))
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func refusesOtherLengths(_ count: Int) {
        #expect(SHA256Hash([UInt8](repeating: 1, count: count)) == nil)
    }
}
