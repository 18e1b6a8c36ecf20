// A card's admin key: its algorithm and the secret bytes, checked against the rules on creation.
import UnblockCore

/// An admin key that passed every rule of `AdminKeyPolicy`.
public struct AdminKey: Sendable, CustomStringConvertible {
    public let algorithm: AdminKeyAlgorithm
    public let material: SecretBytes

    /// Checks `bytes` against the key rules and keeps a wiped-on-release copy.
    /// - Throws: `CryptoError` naming the rule broken (length, all zero, known default, degenerate 3DES).
    public init(algorithm: AdminKeyAlgorithm, bytes: some Collection<UInt8>) throws(CryptoError) {
        let material = SecretBytes(bytes)
        // Checked where it is kept: a checked copy would be one more that is never wiped.
        try material.withUnsafeBytes { (key) throws(CryptoError) in try AdminKeyPolicy.check(key, algorithm: algorithm)
        }
        self.algorithm = algorithm
        self.material = material
    }

    /// Wraps key material without the policy check: only for computing published test vectors.
    public init(unchecked algorithm: AdminKeyAlgorithm, bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == algorithm.keyLength else { throw AdminKeyPolicy.wrongLength(bytes.count, algorithm) }
        self.algorithm = algorithm
        self.material = SecretBytes(bytes)
    }

    public var description: String { "AdminKey(\(algorithm.rawValue), redacted)" }
}
