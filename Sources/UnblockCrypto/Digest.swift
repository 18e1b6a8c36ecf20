// SHA-256, for challenge hashes in the audit trail and session-token lookups.
import CLibcrypto

/// One-shot message digests.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var size: UInt32 = 0
        let input = Array(bytes)
        let ok = input.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &output, &size, EVP_sha256(), nil) == 1
        }
        precondition(ok && size == 32, "SHA-256 cannot fail on valid input")
        return output
    }
}
