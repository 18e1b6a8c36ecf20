// Password hashes: PBKDF2-HMAC-SHA256 in a self-describing form, verified in constant time.
import CLibcrypto

/// Hashes and verifies passwords.
///
/// Encoded form: `$pbkdf2-sha256$i=ITERATIONS$SALT$HASH` with salt and hash in unpadded
/// base64. The iteration count travels with each hash, so raising the default later
/// leaves old hashes verifiable.
public struct PasswordHasher: Sendable {
    /// OWASP's recommendation for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000
    static let saltLength = 16
    static let hashLength = 32
    static let scheme = "pbkdf2-sha256"

    /// Iterations used for new hashes.
    public let iterations: Int

    public init(iterations: Int = defaultIterations) {
        precondition(iterations >= 1)
        self.iterations = iterations
    }

    /// Hashes `password` with a fresh random 16-byte salt.
    public func hash(_ password: String) throws(CryptoError) -> String {
        let salt = try SecretBytes(randomCount: Self.saltLength).withUnsafeBytes { Array($0) }
        let derived = try Self.pbkdf2(password: password, salt: salt, iterations: iterations, length: Self.hashLength)
        return "$\(Self.scheme)$i=\(iterations)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `encoded`, compared in constant time.
    /// - Throws: `.malformedPasswordHash` when `encoded` is not in the encoded form.
    public func verify(_ password: String, against encoded: String) throws(CryptoError) -> Bool {
        let parsed = try Self.parse(encoded)
        let derived = try Self.pbkdf2(
            password: password, salt: parsed.salt, iterations: parsed.iterations, length: parsed.hash.count
        )
        return derived.count == parsed.hash.count && CRYPTO_memcmp(derived, parsed.hash, derived.count) == 0
    }

    /// Whether `encoded` was made with other iterations than this hasher uses (time to rehash,
    /// so that every check costs the same and a login's time tells nothing).
    public func needsRehash(_ encoded: String) -> Bool {
        Self.iterations(of: encoded) != iterations
    }

    /// The iterations `encoded` was made with; nil when it is not a well-formed hash.
    public static func iterations(of encoded: String) -> Int? {
        (try? parse(encoded))?.iterations
    }

    /// Whether `encoded` has the encoded form (checks the format only; hashes nothing).
    public static func isWellFormed(_ encoded: String) -> Bool {
        (try? parse(encoded)) != nil
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018).
    public static func pbkdf2(password: String, salt: [UInt8], iterations: Int, length: Int) throws(CryptoError)
        -> [UInt8]
    {
        var output = [UInt8](repeating: 0, count: length)
        var password = password
        let ok = password.withUTF8 { utf8 in
            PKCS5_PBKDF2_HMAC(
                utf8.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(utf8.count),
                salt, Int32(salt.count), Int32(iterations), EVP_sha256(), Int32(length), &output
            ) == 1
        }
        guard ok else { throw CryptoError(code: .openSSL, message: "PBKDF2 failed") }
        return output
    }

    static func parse(_ encoded: String) throws(CryptoError) -> (iterations: Int, salt: [UInt8], hash: [UInt8]) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == scheme, parts[2].hasPrefix("i="),
            let iterations = Int(parts[2].dropFirst(2)), (1...100_000_000).contains(iterations),
            let salt = Base64.decode(parts[3]), !salt.isEmpty,
            let hash = Base64.decode(parts[4]), (16...64).contains(hash.count)
        else {
            throw CryptoError(
                code: .malformedPasswordHash,
                message: "a password hash has the form $\(scheme)$i=ITERATIONS$SALT$HASH"
            )
        }
        return (iterations, salt, hash)
    }
}
