// KBKDF (SP 800-108, counter mode, AES-CMAC) against the vectors in DOMAIN.md.
import Testing
import UnblockCrypto

@Suite struct KeyDerivationTests {
    static let master = SecretBytes([UInt8](hex: "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"))

    @Test(arguments: [
        (24, "CA2EC32860790A4C1183DD1DABA23ADEFED4AD66EA2D5941"), (16, "D8D06B3CA6842DD21F1ABD7BBC78E34C"),
    ])
    func vector(_ length: Int, _ expected: String) throws {
        let derived = try AdminKeyDerivation.derive(masterKey: Self.master, serial: "04782E21801D80", length: length)
        #expect(derived.withUnsafeBytes { Array($0) }.hex == expected)
    }

    @Test func differentSerialsGiveDifferentKeys() throws {
        let first = try AdminKeyDerivation.adminKey(
            masterKey: Self.master, serial: "04782E21801D80", algorithm: .aes128)
        let second = try AdminKeyDerivation.adminKey(
            masterKey: Self.master, serial: "04782E21801D81", algorithm: .aes128)
        #expect(!first.material.constantTimeEquals(second.material))
    }

    @Test func masterKeyMustBe32Bytes() {
        #expect(throws: CryptoError.self) {
            try AdminKeyDerivation.derive(masterKey: SecretBytes([1, 2, 3]), serial: "x", length: 16)
        }
    }
}
