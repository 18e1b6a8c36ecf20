// Session tokens and other random values from OpenSSL's CSPRNG.

/// Random values for the service, from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// A session token: 32 random bytes, base64url without padding (43 characters).
    public static func sessionToken() throws(CryptoError) -> String {
        try SecretBytes(randomCount: 32).withUnsafeBytes { Base64.encode(Array($0), urlSafe: true) }
    }

    /// `count` random bytes.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        try SecretBytes(randomCount: count).withUnsafeBytes { Array($0) }
    }
}
