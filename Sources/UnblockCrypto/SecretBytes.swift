// Key material in memory that is wiped when the last reference goes.
import CLibcrypto
import Synchronization

/// Immutable secret bytes (an admin key, a master key) zeroed on release.
///
/// Swift arrays copy freely and are never wiped; this keeps one heap copy and clears it
/// with `OPENSSL_cleanse` in `deinit`. Its description never shows the bytes.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible {
    // Sendable: the storage is written only in init and never exposed mutably.
    private let storage: UnsafeMutableRawBufferPointer
    private static let nextIdentity = Atomic<UInt64>(1)

    /// Unique for the life of the process, never reused (unlike an address), so caches
    /// keyed by it can never confuse a released key with a new one.
    public let identity: UInt64 = SecretBytes.nextIdentity.wrappingAdd(1, ordering: .relaxed).oldValue

    /// Copies `bytes`; the caller should drop its own copy as soon as it can.
    public init(_ bytes: some Collection<UInt8>) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        storage.copyBytes(from: bytes)
        count = bytes.count
    }

    /// Fills `count` bytes from OpenSSL's CSPRNG.
    public init(randomCount count: Int) throws(CryptoError) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        self.count = count
        guard RAND_bytes(storage.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 else {
            throw CryptoError(code: .openSSL, message: "the random number generator failed")
        }
    }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    /// Number of bytes.
    public let count: Int

    /// Gives `body` read access to the bytes; the pointer must not escape.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Whether both hold the same bytes, compared in constant time.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        count == other.count
            && CRYPTO_memcmp(storage.baseAddress, other.storage.baseAddress, count) == 0
    }

    public var description: String { "SecretBytes(\(count) bytes, redacted)" }
}
