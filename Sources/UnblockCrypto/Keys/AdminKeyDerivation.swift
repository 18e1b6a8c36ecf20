// Admin keys derived from a master key and the card serial (NIST SP 800-108, counter mode, AES-CMAC).
import CLibcrypto
import UnblockCore

/// Derives per-card admin keys so that nothing per card is stored.
///
/// KBKDF in counter mode with AES-256-CMAC: label `unblock-admin-key`, context the card
/// serial's UTF-8 bytes, output the admin key's length (OpenSSL 3 `EVP_KDF` "KBKDF").
public enum AdminKeyDerivation {
    /// The KDF label, fixed by the design.
    public static let label = "unblock-admin-key"

    /// Derives the raw key bytes (not yet policy-checked).
    /// - Parameters:
    ///   - masterKey: 32 bytes (AES-256).
    ///   - serial: the card serial; its UTF-8 bytes are the KDF context.
    ///   - length: output length in bytes.
    public static func derive(masterKey: SecretBytes, serial: String, length: Int) throws(CryptoError) -> SecretBytes {
        guard masterKey.count == 32 else {
            throw CryptoError(code: .wrongKeyLength, message: "the master key has 32 bytes, not \(masterKey.count)")
        }
        guard let kdf = EVP_KDF_fetch(nil, "KBKDF", nil) else {
            throw CryptoError(code: .openSSL, message: "OpenSSL has no KBKDF")
        }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else {
            throw CryptoError(code: .openSSL, message: "EVP_KDF_CTX_new failed")
        }
        defer { EVP_KDF_CTX_free(context) }

        var output = [UInt8](repeating: 0, count: length)
        defer { OPENSSL_cleanse(&output, output.count) }
        let labelBytes = Array(label.utf8)
        let serialBytes = Array(serial.utf8)
        let ok = masterKey.withUnsafeBytes { key in
            labelBytes.withUnsafeBytes { label in
                serialBytes.withUnsafeBytes { serial in
                    OpenSSLParameters.withParameters(
                        strings: [("mode", "COUNTER"), ("mac", "CMAC"), ("cipher", "AES-256-CBC")],
                        octets: [("key", key), ("salt", label), ("info", serial)]
                    ) { parameters in
                        EVP_KDF_derive(context, &output, length, parameters) == 1
                    }
                }
            }
        }
        guard ok else { throw CryptoError(code: .openSSL, message: "KBKDF derivation failed") }
        return SecretBytes(output)
    }

    /// Derives the admin key of card `serial` for `algorithm`, checked against the key rules.
    public static func adminKey(
        masterKey: SecretBytes,
        serial: String,
        algorithm: AdminKeyAlgorithm
    ) throws(CryptoError) -> AdminKey {
        let bytes = try derive(masterKey: masterKey, serial: serial, length: algorithm.keyLength)
        return try bytes.withUnsafeBytes { (raw) throws(CryptoError) in try AdminKey(algorithm: algorithm, bytes: raw) }
    }
}
