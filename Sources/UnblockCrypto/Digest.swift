// SHA-256, for challenge hashes in the audit trail and session-token lookups.
import CLibcrypto

/// One-shot message digests.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.withContiguousStorageIfAvailable(sha256(contiguous:))
            ?? Array(bytes).withUnsafeBufferPointer(sha256(contiguous:))
    }

    /// Fetched once: `EVP_sha256()` makes OpenSSL 3 look the implementation up on every digest.
    /// A fetched algorithm is immutable and may be used from any number of threads at once.
    nonisolated(unsafe) private static let sha256Algorithm = EVP_MD_fetch(nil, "SHA256", nil)

    private static func sha256(contiguous bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        sha256Hash(contiguous: bytes).bytes
    }

    /// The SHA-256 of `bytes` as an inline value (no array in between).
    static func sha256Hash(_ bytes: some Collection<UInt8>) -> SHA256Hash {
        bytes.withContiguousStorageIfAvailable(sha256Hash(contiguous:))
            ?? Array(bytes).withUnsafeBufferPointer(sha256Hash(contiguous:))
    }

    private static func sha256Hash(contiguous bytes: UnsafeBufferPointer<UInt8>) -> SHA256Hash {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digest) { output in
            var size: UInt32 = 0
            let ok = EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &size, sha256Algorithm, nil) == 1
            precondition(ok && size == 32, "SHA-256 cannot fail on valid input")
            return SHA256Hash(raw: UnsafeRawBufferPointer(output))
        }
    }
}
