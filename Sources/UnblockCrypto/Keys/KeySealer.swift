// Admin keys sealed at rest with AES-256-GCM under the master key's sealing key, bound to card and key version.
import CLibcrypto
import UnblockCore

/// Seals and opens admin keys so that no plaintext key is ever written to disk.
///
/// Format, version 1: `0x01 || nonce (12) || ciphertext || tag (16)`. The associated data
/// binds the blob to its card and key version, so a sealed key copied onto another card,
/// or replayed as an older version, fails to open. During a rotation of the sealing key, a
/// blob sealed under the previous key still opens; new blobs are sealed under the new one.
public struct KeySealer: Sendable {
    static let formatVersion: UInt8 = 1
    static let nonceLength = 12
    static let tagLength = 16
    private static let aadPrefix = Array("unblock.sealed-admin-key.v1".utf8)

    /// The first seals; each opens, newest first.
    private let keys: [SecretBytes]
    /// Fetched once: a fetch per seal or open costs more than the cipher. A fetched algorithm
    /// is immutable and may be shared by threads.
    nonisolated(unsafe) private static let aes256GCM = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)

    /// - Parameter masterKey: 32 bytes (AES-256) that both seals and opens.
    public init(masterKey: SecretBytes) throws(CryptoError) {
        guard masterKey.count == 32 else {
            throw CryptoError(code: .wrongKeyLength, message: "the master key has 32 bytes, not \(masterKey.count)")
        }
        self.keys = [masterKey]
    }

    /// Seals with the master keys' current sealing key; opens with any of them.
    public init(_ masterKeys: MasterKeys) {
        self.keys = masterKeys.sealing
    }

    /// The key new blobs are sealed under.
    var sealingKey: SecretBytes { keys[0] }

    /// Seals `key` for card `cardID` at `keyVersion`; the first byte names the algorithm.
    public func seal(_ key: AdminKey, cardID: String, keyVersion: UInt32) throws(CryptoError) -> [UInt8] {
        let nonce = try SecretBytes(randomCount: Self.nonceLength).withUnsafeBytes { Array($0) }
        let aad = Self.associatedData(cardID: cardID, keyVersion: keyVersion, algorithm: key.algorithm)
        let sealed = try key.material.withUnsafeBytes { (plaintext) throws(CryptoError) in
            try gcm(encrypt: true, key: sealingKey, input: plaintext, nonce: nonce, aad: aad, tag: nil)
        }
        return [Self.formatVersion] + nonce + sealed.output + sealed.tag
    }

    /// Opens a sealed key.
    /// - Throws: `.malformedSealedKey` for an unknown format or length, and
    ///   `.sealedKeyAuthenticationFailed` when the blob was altered, the master key is wrong,
    ///   or the blob belongs to another card, version or algorithm.
    public func open(
        _ sealed: [UInt8],
        algorithm: AdminKeyAlgorithm,
        cardID: String,
        keyVersion: UInt32
    ) throws(CryptoError) -> AdminKey {
        let expectedLength = 1 + Self.nonceLength + algorithm.keyLength + Self.tagLength
        guard sealed.first == Self.formatVersion else {
            throw CryptoError(code: .malformedSealedKey, message: "the sealed key has an unknown format version")
        }
        guard sealed.count == expectedLength else {
            throw CryptoError(
                code: .malformedSealedKey,
                message: "a sealed \(algorithm.rawValue) key has \(expectedLength) bytes, not \(sealed.count)"
            )
        }
        let nonce = Array(sealed[1...Self.nonceLength])
        let ciphertext = Array(sealed[(1 + Self.nonceLength)..<(sealed.count - Self.tagLength)])
        let tag = Array(sealed.suffix(Self.tagLength))
        let aad = Self.associatedData(cardID: cardID, keyVersion: keyVersion, algorithm: algorithm)
        var opened = try decrypt(ciphertext, nonce: nonce, aad: aad, tag: tag)
        defer { OPENSSL_cleanse(&opened, opened.count) }
        // The policy ran when the key was sealed; a key that no longer passes it is still the card's key.
        return try AdminKey(unchecked: algorithm, bytes: opened)
    }

    /// The plaintext under the first key that authenticates it (the newest first).
    func decrypt(_ ciphertext: [UInt8], nonce: [UInt8], aad: [UInt8], tag: [UInt8]) throws(CryptoError) -> [UInt8] {
        var failure: CryptoError?
        for key in keys {
            let result = ciphertext.withUnsafeBytes { input in
                Result { () throws(CryptoError) in
                    try gcm(encrypt: false, key: key, input: input, nonce: nonce, aad: aad, tag: tag)
                }
            }
            switch result {
            case .success(let opened): return opened.output
            case .failure(let error) where error.code == .sealedKeyAuthenticationFailed: failure = error
            case .failure(let error): throw error
            }
        }
        throw failure ?? CryptoError(code: .sealedKeyAuthenticationFailed, message: "no sealing key")
    }

    /// `prefix || algorithm || u32 length || card id || u32 key version`, unambiguous by construction.
    static func associatedData(cardID: String, keyVersion: UInt32, algorithm: AdminKeyAlgorithm) -> [UInt8] {
        let card = Array(cardID.utf8)
        var aad = aadPrefix + Array(algorithm.rawValue.utf8) + [0]
        for value in [UInt32(card.count)] { aad += withUnsafeBytes(of: value.bigEndian, Array.init) }
        aad += card
        aad += withUnsafeBytes(of: keyVersion.bigEndian, Array.init)
        return aad
    }

    func gcm(
        encrypt: Bool,
        key sealingKey: SecretBytes,
        input: UnsafeRawBufferPointer,
        nonce: [UInt8],
        aad: [UInt8],
        tag: [UInt8]?
    ) throws(CryptoError) -> (output: [UInt8], tag: [UInt8]) {
        guard let context = EVP_CIPHER_CTX_new() else {
            throw CryptoError(code: .openSSL, message: "EVP_CIPHER_CTX_new failed")
        }
        defer { EVP_CIPHER_CTX_free(context) }
        guard let cipher = Self.aes256GCM else {
            throw CryptoError(code: .openSSL, message: "OpenSSL has no AES-256-GCM")
        }

        var output = [UInt8](repeating: 0, count: input.count)
        var tagBytes = tag ?? [UInt8](repeating: 0, count: Self.tagLength)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let started = sealingKey.withUnsafeBytes { key in
            EVP_CipherInit_ex2(
                context, cipher, key.baseAddress!.assumingMemoryBound(to: UInt8.self), nonce, encrypt ? 1 : 0, nil
            ) == 1
        }
        guard started,
            EVP_CipherUpdate(context, nil, &written, aad, Int32(aad.count)) == 1,
            EVP_CipherUpdate(
                context, &output, &written, input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count)
            ) == 1
        else {
            throw CryptoError(code: .openSSL, message: "AES-256-GCM failed")
        }
        if !encrypt {
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), &tagBytes) == 1 else {
                throw CryptoError(code: .openSSL, message: "AES-256-GCM refused the tag")
            }
        }
        let finished = output.withUnsafeMutableBufferPointer { buffer in
            EVP_CipherFinal_ex(context, buffer.baseAddress! + Int(written), &finalWritten) == 1
        }
        guard finished else {
            OPENSSL_cleanse(&output, output.count)
            throw CryptoError(
                code: .sealedKeyAuthenticationFailed,
                message: "the sealed key does not open: it was altered, or the master key, card or key version is wrong"
            )
        }
        if encrypt {
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), &tagBytes) == 1 else {
                throw CryptoError(code: .openSSL, message: "AES-256-GCM did not give a tag")
            }
        }
        return (output, tagBytes)
    }
}
