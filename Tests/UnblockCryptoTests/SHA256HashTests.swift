// SHA256Hash: the 32 bytes in, the same 32 bytes out; anything else refused.
import Testing
import UnblockCore
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

    /// FIPS 180-2 vectors, through the digest that goes straight into the inline value, and
    /// through `Digest.sha256`; the order of the bytes is what journals and snapshots store.
    @Test func digestsMatchTheStandardVectors() {
        let vectors = [
            ("abc", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
            ("", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
        ]
        for (input, expected) in vectors {
            let hash = SHA256Hash(digesting: Array(input.utf8))
            #expect(HexFormat.plain(hash.bytes) == expected)
            #expect(Digest.sha256(Array(input.utf8)) == hash.bytes)
            #expect(SHA256Hash(hash.bytes) == hash)
        }
        // A collection without contiguous storage takes the copying path.
        #expect(SHA256Hash(digesting: "abc".utf8.lazy.map { $0 }) == SHA256Hash(digesting: Array("abc".utf8)))
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func refusesOtherLengths(_ count: Int) {
        #expect(SHA256Hash([UInt8](repeating: 1, count: count)) == nil)
    }
}
