// The master keys: one derives card keys and never changes, the others seal keys at rest and rotate.
import CLibcrypto

/// What the master key file holds.
///
/// Cards registered with derived keys get them from `derivation`, so it must never change:
/// a new one would change every such card's key. Sealed admin keys and TOTP secrets are
/// sealed under `sealing[0]`; during a rotation the previous sealing keys follow it, so that
/// every blob opens whichever key it was sealed under. A data directory from before the split
/// has one key for both (`legacy`).
public struct MasterKeys: Sendable {
    public let derivation: SecretBytes
    /// Newest first; never empty.
    public let sealing: [SecretBytes]

    /// The most sealing keys a file holds (a rotation adds one until it completes).
    public static let maximumSealingKeys = 8

    init(derivation: SecretBytes, sealing: [SecretBytes]) {
        precondition(!sealing.isEmpty && sealing.count <= Self.maximumSealingKeys)
        self.derivation = derivation
        self.sealing = sealing
    }

    /// One key that derives and seals: the master key of a data directory made before the split.
    public init(legacy key: SecretBytes) {
        self.init(derivation: key, sealing: [key])
    }

    /// New random keys for a new data directory.
    public static func generate() throws(CryptoError) -> MasterKeys {
        MasterKeys(
            derivation: try SecretBytes(randomCount: MasterKey.length),
            sealing: [try SecretBytes(randomCount: MasterKey.length)])
    }

    /// A new sealing key first, the current ones kept behind it until every blob is re-sealed.
    public func addingSealingKey() throws(CryptoError) -> MasterKeys {
        MasterKeys(
            derivation: derivation,
            sealing: [try SecretBytes(randomCount: MasterKey.length)]
                + sealing.prefix(Self.maximumSealingKeys - 1))
    }

    /// Only the current sealing key: once every blob is sealed under it.
    public func retiringOldSealingKeys() -> MasterKeys {
        MasterKeys(derivation: derivation, sealing: [sealing[0]])
    }
}

extension MasterKeys {
    /// A digest of the derivation key and the current sealing key, never the keys: equal on two
    /// nodes exactly when they hold the same master key file.
    public var checkValue: [UInt8] {
        var input =
            Array("unblock.master-key-check.v1".utf8) + derivation.withUnsafeBytes { Array($0) }
            + sealing[0].withUnsafeBytes { Array($0) }
        defer { OPENSSL_cleanse(&input, input.count) }
        return Digest.sha256(input)
    }
}
