// Every refusal rule for admin keys, each with its own error code.
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct AdminKeyPolicyTests {
    static let goodTripleDES = [UInt8](hex: "0123456789ABCDEF FEDCBA9876543210 89ABCDEF01234567")

    @Test func goodKeysPass() throws {
        _ = try AdminKey(algorithm: .tripleDES, bytes: Self.goodTripleDES)
        for algorithm in AdminKeyAlgorithm.allCases {
            _ = try AdminKey(algorithm: algorithm, bytes: try SecureRandom.bytes(algorithm.keyLength))
        }
    }

    static let refusals: [(String, AdminKeyAlgorithm, [UInt8], CryptoError.Code)] = [
        ("too short", .tripleDES, [UInt8](repeating: 7, count: 16), .wrongKeyLength),
        (
            "aes128 given 24 bytes", .aes128, [UInt8](hex: "0123456789ABCDEF FEDCBA9876543210 89ABCDEF01234567"),
            .wrongKeyLength
        ),
        ("empty", .aes256, [], .wrongKeyLength),
        ("all zero 3des", .tripleDES, [UInt8](repeating: 0, count: 24), .allZeroKey),
        ("all zero aes", .aes192, [UInt8](repeating: 0, count: 24), .allZeroKey),
        ("PIV default", .tripleDES, [UInt8](hex: "010203040506070801020304050607080102030405060708"), .knownDefaultKey),
        ("FIPS-197 example", .aes128, [UInt8](hex: "000102030405060708090A0B0C0D0E0F"), .knownDefaultKey),
        (
            "K1 = K2", .tripleDES, [UInt8](hex: "0123456789ABCDEF 0123456789ABCDEF 89ABCDEF01234567"),
            .degenerateTripleDESKey
        ),
        (
            "K2 = K3", .tripleDES, [UInt8](hex: "89ABCDEF01234567 0123456789ABCDEF 0123456789ABCDEF"),
            .degenerateTripleDESKey
        ),
        // Differs only in parity bits (the low bit of each byte): still K1 = K2.
        (
            "K1 = K2 but parity", .tripleDES, [UInt8](hex: "0123456789ABCDEF 0022446688AACCEE 89ABCDEF01234567"),
            .degenerateTripleDESKey
        ),
        (
            "weak K1", .tripleDES, [UInt8](hex: "0101010101010101 FEDCBA9876543210 89ABCDEF01234567"),
            .degenerateTripleDESKey
        ),
        (
            "weak K2", .tripleDES, [UInt8](hex: "0123456789ABCDEF FEFEFEFEFEFEFEFE 89ABCDEF01234567"),
            .degenerateTripleDESKey
        ),
        (
            "weak K3", .tripleDES, [UInt8](hex: "0123456789ABCDEF FEDCBA9876543210 1F1F1F1F0E0E0E0E"),
            .degenerateTripleDESKey
        ),
        // Semi-weak, and with every parity bit flipped: parity does not take part in DES.
        (
            "semi-weak", .tripleDES, [UInt8](hex: "E0FEE0FEF1FEF1FE FEDCBA9876543210 89ABCDEF01234567"),
            .degenerateTripleDESKey
        ),
        (
            "weak but parity", .tripleDES, [UInt8](hex: "0123456789ABCDEF E1E1E1E1F0F0F0F0 89ABCDEF01234567"),
            .degenerateTripleDESKey
        ),
        (
            "semi-weak but parity", .tripleDES, [UInt8](hex: "0123456789ABCDEF FEDCBA9876543210 001E001E000F000F"),
            .degenerateTripleDESKey
        ),
    ]

    @Test func everyWeakAndSemiWeakDESKeyIsRefusedInEveryPart() {
        let weak = [
            "0101010101010101", "FEFEFEFEFEFEFEFE", "E0E0E0E0F1F1F1F1", "1F1F1F1F0E0E0E0E",
            "011F011F010E010E", "1F011F010E010E01", "01E001E001F101F1", "E001E001F101F101",
            "01FE01FE01FE01FE", "FE01FE01FE01FE01", "1FE01FE00EF10EF1", "E01FE01FF10EF10E",
            "1FFE1FFE0EFE0EFE", "FE1FFE1FFE0EFE0E", "E0FEE0FEF1FEF1FE", "FEE0FEE0FEF1FEF1",
        ]
        let good = ["0123456789ABCDEF", "FEDCBA9876543210", "89ABCDEF01234567"]
        for part in weak {
            for position in 0..<3 {
                var parts = good
                parts[position] = part
                #expect(throws: CryptoError.self, "\(part) as K\(position + 1)") {
                    _ = try AdminKey(algorithm: .tripleDES, bytes: [UInt8](hex: parts.joined()))
                }
            }
        }
    }

    @Test(arguments: refusals.indices)
    func refusedWithTheRuleNamed(_ index: Int) {
        let (label, algorithm, bytes, code) = Self.refusals[index]
        do {
            _ = try AdminKey(algorithm: algorithm, bytes: bytes)
            Issue.record("\(label) accepted")
        } catch {
            #expect(error.code == code, "\(label): \(error.message)")
        }
    }

    @Test func keysNeverPrintTheirBytes() throws {
        let key = try AdminKey(algorithm: .tripleDES, bytes: Self.goodTripleDES)
        #expect(!"\(key)".contains("01") && !"\(key.material)".contains("23"))
        #expect("\(key)".contains("redacted"))
    }
}
