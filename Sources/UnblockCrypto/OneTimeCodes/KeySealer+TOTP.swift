// TOTP secrets sealed at rest like admin keys: AES-256-GCM under the master key, bound to their account.
import CLibcrypto

extension KeySealer {
    private static let totpPrefix = Array("unblock.sealed-totp-secret.v1".utf8)

    /// Seals a user's TOTP secret, bound to the account's id: copied onto another account, it does not open.
    public func sealTOTPSecret(_ secret: SecretBytes, accountID: UInt32) throws(CryptoError) -> [UInt8] {
        let nonce = try SecretBytes(randomCount: Self.nonceLength).withUnsafeBytes { Array($0) }
        let sealed = try secret.withUnsafeBytes { (plaintext) throws(CryptoError) in
            try gcm(
                encrypt: true, key: sealingKey, input: plaintext, nonce: nonce, aad: Self.totpData(accountID), tag: nil)
        }
        return [Self.formatVersion] + nonce + sealed.output + sealed.tag
    }

    /// Opens a sealed TOTP secret.
    /// - Throws: `.malformedSealedKey` or `.sealedKeyAuthenticationFailed`, as for admin keys.
    public func openTOTPSecret(_ sealed: [UInt8], accountID: UInt32) throws(CryptoError) -> SecretBytes {
        guard sealed.first == Self.formatVersion, sealed.count > 1 + Self.nonceLength + Self.tagLength else {
            throw CryptoError(code: .malformedSealedKey, message: "the sealed TOTP secret has an unknown format")
        }
        let nonce = Array(sealed[1...Self.nonceLength])
        let ciphertext = Array(sealed[(1 + Self.nonceLength)..<(sealed.count - Self.tagLength)])
        let tag = Array(sealed.suffix(Self.tagLength))
        var opened = try decrypt(ciphertext, nonce: nonce, aad: Self.totpData(accountID), tag: tag)
        defer { OPENSSL_cleanse(&opened, opened.count) }
        return SecretBytes(opened)
    }

    private static func totpData(_ accountID: UInt32) -> [UInt8] {
        totpPrefix + withUnsafeBytes(of: accountID.bigEndian, Array.init)
    }
}
