// Ciphers and key check values against the published vectors and the openssl command line.
import Foundation
import Testing
import UnblockCore
import UnblockCrypto
import UnblockTesting

struct CipherVector: Sendable, CustomStringConvertible {
    let algorithm: AdminKeyAlgorithm
    let key: String
    let input: String
    let output: String
    var description: String { "\(algorithm.rawValue) \(input)" }
}

/// Runs `openssl enc` as a process: the independent reference for one-block ECB.
func opensslEncrypt(_ block: [UInt8], key: [UInt8], algorithm: AdminKeyAlgorithm) throws -> [UInt8] {
    let encrypted = try UnblockTesting.opensslEncrypt(block, key: key, algorithm: algorithm.rawValue)
    #expect(encrypted != nil)
    return encrypted ?? []
}

@Suite struct BlockCipherTests {
    static let vectors = [
        CipherVector(
            algorithm: .tripleDES, key: String(repeating: "00", count: 24),
            input: "A892D75601617C5D", output: "1951EC3EF81BBABB"),
        CipherVector(
            algorithm: .tripleDES, key: "010203040506070801020304050607080102030405060708",
            input: "0102030405060708", output: "77A7D6BCF57962B9"),
        CipherVector(
            algorithm: .aes128, key: "000102030405060708090A0B0C0D0E0F",
            input: "00112233445566778899AABBCCDDEEFF", output: "69C4E0D86A7B0430D8CDB78070B4C55A"),
        CipherVector(
            algorithm: .aes256, key: "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            input: "00112233445566778899AABBCCDDEEFF", output: "8EA2B7CA516745BFEAFC49904B496089"),
    ]

    @Test(arguments: vectors)
    func publishedVector(_ vector: CipherVector) throws {
        let cipher = try BlockCipher()
        // These published keys are weak on purpose; the cipher computes them, the policy refuses them.
        let key = try AdminKey(unchecked: vector.algorithm, bytes: [UInt8](hex: vector.key))
        #expect(try cipher.encryptBlock([UInt8](hex: vector.input), key: key).hex == vector.output)
        #expect(try cipher.decryptBlock([UInt8](hex: vector.output), key: key).hex == vector.input)
        #expect(throws: CryptoError.self) { try AdminKey(algorithm: vector.algorithm, bytes: [UInt8](hex: vector.key)) }
    }

    @Test func keyCheckValueOfTheFIPSKey() throws {
        let key = try AdminKey(unchecked: .aes128, bytes: [UInt8](hex: "000102030405060708090A0B0C0D0E0F"))
        #expect(try BlockCipher().keyCheckValue(of: key).hex == "C6A13B")
    }

    @Test(arguments: AdminKeyAlgorithm.allCases)
    func randomKeysMatchTheOpenSSLCommandLine(_ algorithm: AdminKeyAlgorithm) throws {
        let cipher = try BlockCipher()
        for _ in 0..<4 {
            let keyBytes = try SecureRandom.bytes(algorithm.keyLength)
            let block = try SecureRandom.bytes(algorithm.blockLength)
            let key = try AdminKey(algorithm: algorithm, bytes: keyBytes)
            let encrypted = try cipher.encryptBlock(block, key: key)
            #expect(encrypted == (try opensslEncrypt(block, key: keyBytes, algorithm: algorithm)))
            #expect(try cipher.decryptBlock(encrypted, key: key) == block)
            let zero = [UInt8](repeating: 0, count: algorithm.blockLength)
            #expect(
                try cipher.keyCheckValue(of: key)
                    == Array(try opensslEncrypt(zero, key: keyBytes, algorithm: algorithm).prefix(3)))
        }
    }

    @Test(arguments: [AdminKeyAlgorithm.tripleDES, .aes256])
    func keyScheduleCacheNeverMixesUpKeys(_ algorithm: AdminKeyAlgorithm) throws {
        // More keys than cache slots, used in two interleaved passes: every slot is hit,
        // missed and overwritten; each result must match a cipher that has never seen another key.
        let cached = try BlockCipher()
        let keys = try (0..<(BlockCipher.cachedKeysPerAlgorithm * 2 + 7)).map { _ in
            try AdminKey(algorithm: algorithm, bytes: SecureRandom.bytes(algorithm.keyLength))
        }
        let block = try SecureRandom.bytes(algorithm.blockLength)
        let expected = try keys.map { try BlockCipher().encryptBlock(block, key: $0) }
        for _ in 0..<2 {
            for index in keys.indices.shuffled() {
                #expect(try cached.encryptBlock(block, key: keys[index]) == expected[index])
            }
        }
    }

    @Test(arguments: AdminKeyAlgorithm.allCases)
    func encryptingIntoABufferMatchesTheArrayForm(_ algorithm: AdminKeyAlgorithm) throws {
        let cipher = try BlockCipher()
        let key = try AdminKey(algorithm: algorithm, bytes: SecureRandom.bytes(algorithm.keyLength))
        let block = try SecureRandom.bytes(algorithm.blockLength)
        var output = [UInt8](repeating: 0, count: algorithm.blockLength)
        try block.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { output in try cipher.encryptBlock(input, key: key, into: output) }
        }
        #expect(output == (try cipher.encryptBlock(block, key: key)))
        #expect(
            output == (try opensslEncrypt(block, key: key.material.withUnsafeBytes { Array($0) }, algorithm: algorithm))
        )
    }

    @Test func storedKeyCheckValueCatchesAWrongKey() throws {
        let cipher = try BlockCipher()
        let key = try AdminKey(algorithm: .aes128, bytes: try SecureRandom.bytes(16))
        let other = try AdminKey(algorithm: .aes128, bytes: try SecureRandom.bytes(16))
        let kcv = try cipher.keyCheckValue(of: key)
        try cipher.verify(key, keyCheckValue: kcv)
        do {
            try cipher.verify(other, keyCheckValue: kcv)
            Issue.record("a wrong key passed its check value")
        } catch {
            #expect(error.code == .keyCheckValueMismatch)
        }
    }

    @Test func responseToAChallengeIsTheEncryptedBlockGrouped() throws {
        let key = try AdminKey(unchecked: .tripleDES, bytes: [UInt8](repeating: 0, count: 24))
        let challenge = try Challenge(text: "a892-d756 0161:7c5d", algorithm: .tripleDES)
        let response = try BlockCipher().response(to: challenge, key: key)
        #expect(response.formatted == "1951 EC3E F81B BABB")
        #expect(response.bytes.hex == "1951EC3EF81BBABB")
    }
}
