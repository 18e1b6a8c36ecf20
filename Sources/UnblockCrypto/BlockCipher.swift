// One-block ECB encryption and decryption with fetched ciphers and reused OpenSSL contexts.
import CLibcrypto
import UnblockCore

/// The cipher state one worker owns: each algorithm fetched once, and OpenSSL contexts
/// that keep recently used key schedules.
///
/// Setting a key costs far more than a block (several times as much with OpenSSL 3). Encryption
/// contexts sit in a direct-mapped cache of `cachedKeysPerAlgorithm` slots indexed by the
/// key's never-reused identity, so a key used again (its check value, then its response)
/// is not keyed twice. Contexts are bound to their cipher once; re-keying passes a null
/// cipher, which skips OpenSSL's provider lookup. Key schedules stay in a slot until
/// another key takes it, and are wiped when the `BlockCipher` is freed.
/// Not thread-safe: one worker, one `BlockCipher`.
public final class BlockCipher {

    /// Slots per algorithm in the key-schedule cache.
    public static let cachedKeysPerAlgorithm = 256

    /// Admin keys this worker has opened and checked (see `OpenedKeyCache`).
    public let openedKeys = OpenedKeyCache()

    /// Indexed by `AdminKeyAlgorithm.index`.
    private var ciphers: [OpaquePointer] = []
    private var decryptContexts: [OpaquePointer] = []
    /// The key cache, one flat table: slot `algorithm * cachedKeysPerAlgorithm + identity % cachedKeysPerAlgorithm`
    /// holds the identity of the key its context is keyed with (0: none) and the context.
    private var slotIdentities: [UInt64]
    private var slotContexts: [OpaquePointer?]

    public init() throws(CryptoError) {
        let slots = AdminKeyAlgorithm.allCases.count * Self.cachedKeysPerAlgorithm
        slotIdentities = Array(repeating: 0, count: slots)
        slotContexts = Array(repeating: nil, count: slots)
        for algorithm in AdminKeyAlgorithm.allCases {
            guard let cipher = EVP_CIPHER_fetch(nil, algorithm.openSSLName, nil) else {
                throw CryptoError(code: .openSSL, message: "OpenSSL has no cipher \(algorithm.openSSLName)")
            }
            ciphers.append(cipher)
            decryptContexts.append(try Self.makeContext(cipher, encrypt: false))
        }
    }

    /// Forgets the admin keys opened before `horizon`, and the key schedules of every key not
    /// still open (their contexts are freed, which wipes them).
    public func forgetKeys(openedBefore horizon: ContinuousClock.Instant) {
        openedKeys.removeKeys(openedBefore: horizon)
        let open = openedKeys.identities
        for slot in slotIdentities.indices where slotIdentities[slot] != 0 && !open.contains(slotIdentities[slot]) {
            slotIdentities[slot] = 0
            if let context = slotContexts[slot] { EVP_CIPHER_CTX_free(context) }
            slotContexts[slot] = nil
        }
    }

    /// An encryption context holding `key`'s schedule: cached, or re-keyed now.
    private func encryptionContext(for key: AdminKey) throws(CryptoError) -> OpaquePointer {
        let identity = key.material.identity
        let slot =
            key.algorithm.index * Self.cachedKeysPerAlgorithm + Int(identity % UInt64(Self.cachedKeysPerAlgorithm))
        if slotIdentities[slot] == identity, let context = slotContexts[slot] { return context }
        let context: OpaquePointer
        if let existing = slotContexts[slot] {
            context = existing
        } else {
            context = try Self.makeContext(ciphers[key.algorithm.index], encrypt: true)
            slotContexts[slot] = context
        }
        // Forget the slot's key first: if keying fails, it must not claim to hold anything.
        slotIdentities[slot] = 0
        try Self.setKey(key, on: context)
        slotIdentities[slot] = identity
        return context
    }

    private static func setKey(_ key: AdminKey, on context: OpaquePointer) throws(CryptoError) {
        let ok = key.material.withUnsafeBytes { material in
            EVP_CipherInit_ex2(context, nil, material.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, -1, nil)
        }
        guard ok == 1 else { throw CryptoError(code: .openSSL, message: "cannot set \(key.algorithm.keyPhrase)") }
    }

    private static func makeContext(_ cipher: OpaquePointer, encrypt: Bool) throws(CryptoError) -> OpaquePointer {
        guard let context = EVP_CIPHER_CTX_new(),
            EVP_CipherInit_ex2(context, cipher, nil, nil, encrypt ? 1 : 0, nil) == 1,
            EVP_CIPHER_CTX_set_padding(context, 0) == 1
        else {
            throw CryptoError(code: .openSSL, message: "cannot set up an OpenSSL cipher context")
        }
        return context
    }

    deinit {
        // EVP_CIPHER_CTX_free wipes the key schedules.
        for context in slotContexts { if let context { EVP_CIPHER_CTX_free(context) } }
        for context in decryptContexts { EVP_CIPHER_CTX_free(context) }
        for cipher in ciphers { EVP_CIPHER_free(cipher) }
    }

    /// Encrypts one block from `input` into `output` (ECB, no padding), allocating nothing:
    /// the cipher's own cost, for callers that encrypt into a buffer they own.
    /// - Precondition: both are `key.algorithm.blockLength` bytes.
    public func encryptBlock(
        _ input: UnsafeRawBufferPointer,
        key: AdminKey,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        let length = key.algorithm.blockLength
        precondition(input.count == length && output.count == length, "one block of \(length) bytes")
        let context = try encryptionContext(for: key)
        var written: Int32 = 0
        guard
            EVP_CipherUpdate(
                context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written,
                input.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(length)) == 1, Int(written) == length
        else {
            throw CryptoError(code: .openSSL, message: "\(key.algorithm.openSSLName) failed on one block")
        }
    }

    /// Encrypts one block with `key` (ECB, no padding).
    /// - Precondition: `block.count == key.algorithm.blockLength`.
    public func encryptBlock(_ block: [UInt8], key: AdminKey) throws(CryptoError) -> [UInt8] {
        try crypt(block, key: key, encrypt: true)
    }

    /// Decrypts one block with `key` (ECB, no padding); used to verify responses.
    public func decryptBlock(_ block: [UInt8], key: AdminKey) throws(CryptoError) -> [UInt8] {
        try crypt(block, key: key, encrypt: false)
    }

    private func crypt(_ block: [UInt8], key: AdminKey, encrypt: Bool) throws(CryptoError) -> [UInt8] {
        let length = key.algorithm.blockLength
        precondition(block.count == length, "one block of \(length) bytes")
        let context: OpaquePointer
        if encrypt {
            context = try encryptionContext(for: key)
        } else {
            context = decryptContexts[key.algorithm.index]
            try Self.setKey(key, on: context)
        }
        var written: Int32 = 0
        let output = [UInt8](unsafeUninitializedCapacity: length) { output, count in
            let ok = EVP_CipherUpdate(context, output.baseAddress, &written, block, Int32(length)) == 1
            count = ok && Int(written) == length ? length : 0
        }
        guard output.count == length else {
            throw CryptoError(code: .openSSL, message: "\(key.algorithm.openSSLName) failed on one block")
        }
        return output
    }
}
