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
        var size: UInt32 = 0
        let output = [UInt8](unsafeUninitializedCapacity: 32) { output, count in
            let ok = EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &size, sha256Algorithm, nil) == 1
            precondition(ok && size == 32, "SHA-256 cannot fail on valid input")
            count = 32
        }
        return output
    }
}
