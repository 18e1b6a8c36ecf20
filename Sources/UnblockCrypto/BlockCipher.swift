// One-block ECB encryption and decryption with fetched ciphers and reused OpenSSL contexts.
import CLibcrypto

/// The cipher state one worker owns: each algorithm fetched once, one context per direction.
///
/// Fetching a cipher and allocating a context cost far more than a block; a worker keeps
/// them for its lifetime. Not thread-safe: one worker, one `BlockCipher`.
public final class BlockCipher {
    private var ciphers: [AdminKeyAlgorithm: OpaquePointer] = [:]
    private let context: OpaquePointer

    public init() throws(CryptoError) {
        guard let context = EVP_CIPHER_CTX_new() else {
            throw CryptoError(code: .openSSL, message: "EVP_CIPHER_CTX_new failed")
        }
        self.context = context
        for algorithm in AdminKeyAlgorithm.allCases {
            guard let cipher = EVP_CIPHER_fetch(nil, algorithm.openSSLName, nil) else {
                throw CryptoError(code: .openSSL, message: "OpenSSL has no cipher \(algorithm.openSSLName)")
            }
            ciphers[algorithm] = cipher
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
        for cipher in ciphers.values { EVP_CIPHER_free(cipher) }
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
        let cipher = ciphers[key.algorithm]
        var written: Int32 = 0
        let output = [UInt8](unsafeUninitializedCapacity: length) { output, count in
            let ok = key.material.withUnsafeBytes { material in
                EVP_CipherInit_ex2(
                    context, cipher, material.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                    encrypt ? 1 : 0, nil
                ) == 1
                    && EVP_CIPHER_CTX_set_padding(context, 0) == 1
                    && EVP_CipherUpdate(context, output.baseAddress, &written, block, Int32(length)) == 1
            }
            count = ok && Int(written) == length ? length : 0
        }
        guard output.count == length else {
            throw CryptoError(code: .openSSL, message: "\(key.algorithm.openSSLName) failed on one block")
        }
        return output
    }
}
