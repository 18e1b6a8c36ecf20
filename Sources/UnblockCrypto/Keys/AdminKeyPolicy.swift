// The rules an admin key must pass before it can answer a single challenge.
import UnblockCore

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
        // Array's closure API rethrows untyped errors: the typed one travels out in a Result.
        try key.withUnsafeBytes { bytes in Result { () throws(CryptoError) in try check(bytes, algorithm: algorithm) } }
            .get()
    }

    /// Checks a candidate key in place: no copy of its bytes is made (none would be wiped).
    public static func check(_ key: UnsafeRawBufferPointer, algorithm: AdminKeyAlgorithm) throws(CryptoError) {
        guard key.count == algorithm.keyLength else { throw wrongLength(key.count, algorithm) }
        guard key.contains(where: { $0 != 0 }) else {
            throw CryptoError(code: .allZeroKey, message: "the \(algorithm.displayName) key is all zero bytes")
        }
        guard !knownDefaults.contains(where: { $0.elementsEqual(key) }) else {
            throw CryptoError(
                code: .knownDefaultKey,
                message: "the \(algorithm.displayName) key is a published default key"
            )
        }
        guard algorithm == .tripleDES else { return }
        // Parity bits (the low bit of each byte) do not take part in DES.
        func part(_ index: Int, equals other: some Collection<UInt8>) -> Bool {
            zip(key[(index * 8)..<(index * 8 + 8)], other).allSatisfy { $0 & 0xFE == $1 & 0xFE }
        }
        if part(0, equals: key[8..<16]) || part(1, equals: key[16..<24]) {
            throw CryptoError(
                code: .degenerateTripleDESKey,
                message: "the 3DES key has K1 = K2 or K2 = K3, which reduces it to single DES"
            )
        }
        if let weak = (0..<3).first(where: { index in weakDESKeys.contains { part(index, equals: $0) } }) {
            throw CryptoError(
                code: .degenerateTripleDESKey,
                message: "the 3DES key's part K\(weak + 1) is a DES weak or semi-weak key"
            )
        }
    }

    /// The 4 weak and 12 semi-weak DES keys (FIPS 74), parity bits cleared.
    static let weakDESKeys: [[UInt8]] =
        [
            "0101010101010101", "FEFEFEFEFEFEFEFE", "E0E0E0E0F1F1F1F1", "1F1F1F1F0E0E0E0E",
            "011F011F010E010E", "1F011F010E010E01", "01E001E001F101F1", "E001E001F101F101",
            "01FE01FE01FE01FE", "FE01FE01FE01FE01", "1FE01FE00EF10EF1", "E01FE01FF10EF10E",
            "1FFE1FFE0EFE0EFE", "FE1FFE1FFE0EFE0E", "E0FEE0FEF1FEF1FE", "FEE0FEE0FEF1FEF1",
        ].map { HexFormat.bytes($0)!.map { $0 & 0xFE } }

    static func wrongLength(_ count: Int, _ algorithm: AdminKeyAlgorithm) -> CryptoError {
        CryptoError(
            code: .wrongKeyLength,
            message: "\(algorithm.keyPhrase) has \(algorithm.keyLength) bytes, not \(count)"
        )
    }
}
