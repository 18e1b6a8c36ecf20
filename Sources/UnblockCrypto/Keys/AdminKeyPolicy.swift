// The rules an admin key must pass before it can answer a single challenge.

/// Refuses keys that are weak or well known, each with an error naming the rule.
public enum AdminKeyPolicy {
    /// The PIV default management key (3DES), printed in every vendor manual.
    static let pivDefaultKey: [UInt8] = [
        1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
    ]
    /// Well-known default keys, of any algorithm.
    static let knownDefaults: [[UInt8]] = [
        pivDefaultKey,
        Array(0...15),  // the FIPS-197 example key, a common AES placeholder
        Array(0...23),
        Array(0...31),
    ]

    /// Checks a candidate key.
    /// - Throws: `CryptoError` with code `.wrongKeyLength`, `.allZeroKey`, `.knownDefaultKey`
    ///   or `.degenerateTripleDESKey`.
    public static func check(_ key: [UInt8], algorithm: AdminKeyAlgorithm) throws(CryptoError) {
        guard key.count == algorithm.keyLength else { throw wrongLength(key.count, algorithm) }
        guard key.contains(where: { $0 != 0 }) else {
            throw CryptoError(code: .allZeroKey, message: "the \(algorithm.displayName) key is all zero bytes")
        }
        guard !knownDefaults.contains(key) else {
            throw CryptoError(
                code: .knownDefaultKey,
                message: "the \(algorithm.displayName) key is a published default key"
            )
        }
        if algorithm == .tripleDES {
            // Parity bits (the low bit of each byte) do not take part in DES.
            let parts = stride(from: 0, to: 24, by: 8).map { key[$0..<$0 + 8].map { $0 & 0xFE } }
            if parts[0] == parts[1] || parts[1] == parts[2] {
                throw CryptoError(
                    code: .degenerateTripleDESKey,
                    message: "the 3DES key has K1 = K2 or K2 = K3, which reduces it to single DES"
                )
            }
            if let weak = parts.firstIndex(where: { weakDESKeys.contains($0) }) {
                throw CryptoError(
                    code: .degenerateTripleDESKey,
                    message: "the 3DES key's part K\(weak + 1) is a DES weak or semi-weak key"
                )
            }
        }
    }

    /// The 4 weak and 12 semi-weak DES keys (FIPS 74), parity bits cleared.
    static let weakDESKeys: Set<[UInt8]> = Set(
        [
            "0101010101010101", "FEFEFEFEFEFEFEFE", "E0E0E0E0F1F1F1F1", "1F1F1F1F0E0E0E0E",
            "011F011F010E010E", "1F011F010E010E01", "01E001E001F101F1", "E001E001F101F101",
            "01FE01FE01FE01FE", "FE01FE01FE01FE01", "1FE01FE00EF10EF1", "E01FE01FF10EF10E",
            "1FFE1FFE0EFE0EFE", "FE1FFE1FFE0EFE0E", "E0FEE0FEF1FEF1FE", "FEE0FEE0FEF1FEF1",
        ].map { HexFormat.bytes($0)!.map { $0 & 0xFE } })

    static func wrongLength(_ count: Int, _ algorithm: AdminKeyAlgorithm) -> CryptoError {
        CryptoError(
            code: .wrongKeyLength,
            message: "\(algorithm.keyPhrase) has \(algorithm.keyLength) bytes, not \(count)"
        )
    }
}
