// Computing a SHA-256 digest: the domain holds the value, libcrypto makes it.
import UnblockCore

extension SHA256Hash {
    /// The SHA-256 of `bytes`.
    public init(digesting bytes: some Collection<UInt8>) {
        self = Digest.sha256Hash(bytes)
    }
}
