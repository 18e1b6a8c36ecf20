// SHA-256, for challenge hashes in the audit trail and session-token lookups.
import CLibcrypto
import UnblockCore

/// One-shot message digests.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.withContiguousStorageIfAvailable(sha256(contiguous:))
            ?? Array(bytes).withUnsafeBufferPointer(sha256(contiguous:))
    }

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
            // The short inputs hashed per call: on a stack context (see the shim), not EVP's.
            unblock_sha256(bytes.baseAddress, bytes.count, output.baseAddress!.assumingMemoryBound(to: UInt8.self))
            return SHA256Hash(raw: UnsafeRawBufferPointer(output))
        }
    }
}
