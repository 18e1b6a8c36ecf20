// The unblock response: the challenge encrypted with the card's admin key, one block, ECB.

/// The response to a challenge, as bytes and in the grouped form the user types.
public struct UnblockResponse: Sendable, Equatable {
    /// The encrypted challenge.
    public let bytes: [UInt8]
    /// Uppercase hex in groups of four, e.g. `1951 EC3E F81B BABB`.
    public var formatted: String { HexFormat.grouped(bytes) }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

extension BlockCipher {
    /// Computes the response to `challenge` with `key`.
    public func response(to challenge: Challenge, key: AdminKey) throws(CryptoError) -> UnblockResponse {
        guard challenge.bytes.count == key.algorithm.blockLength else {
            throw CryptoError(
                code: .wrongChallengeLength,
                message: "\(key.algorithm.keyPhrase) answers \(key.algorithm.blockLength)-byte challenges"
            )
        }
        return UnblockResponse(bytes: try encryptBlock(challenge.bytes, key: key))
    }

    /// The key check value: the first 3 bytes of the key's encryption of an all-zero block.
    public func keyCheckValue(of key: AdminKey) throws(CryptoError) -> [UInt8] {
        Array(try encryptBlock([UInt8](repeating: 0, count: key.algorithm.blockLength), key: key).prefix(3))
    }

    /// Checks a loaded key against the check value stored with it.
    /// - Throws: `.keyCheckValueMismatch` when the key is wrong or corrupted.
    public func verify(_ key: AdminKey, keyCheckValue expected: [UInt8]) throws(CryptoError) {
        guard try keyCheckValue(of: key) == expected else {
            throw CryptoError(
                code: .keyCheckValueMismatch,
                message: "the \(key.algorithm.displayName) key does not match its stored key check value"
            )
        }
    }
}
