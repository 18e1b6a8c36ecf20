// The typed error of the crypto module: which rule refused what, never with secret material.

/// A refused key, challenge, sealed blob or password hash, or a pool that cannot take work.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule or condition that failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case wrongKeyLength, allZeroKey, knownDefaultKey, degenerateTripleDESKey, keyCheckValueMismatch
            case invalidChallengeCharacter, wrongChallengeLength
            case malformedSealedKey, sealedKeyAuthenticationFailed
            case malformedPasswordHash, masterKeyFile, masterKeyPassphrase
            case overloaded, deadlinePassed, shutDown, openSSL
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A key whose length does not fit its algorithm.
        public static let wrongKeyLength = Code(.wrongKeyLength)
        /// A key of all zero bytes.
        public static let allZeroKey = Code(.allZeroKey)
        /// A published default key, such as the PIV default management key.
        public static let knownDefaultKey = Code(.knownDefaultKey)
        /// A 3DES key with K1 = K2 or K2 = K3 (ignoring parity), which is single DES.
        public static let degenerateTripleDESKey = Code(.degenerateTripleDESKey)
        /// A key whose check value differs from the one stored with it.
        public static let keyCheckValueMismatch = Code(.keyCheckValueMismatch)
        /// A challenge with a character other than hex digits and separators.
        public static let invalidChallengeCharacter = Code(.invalidChallengeCharacter)
        /// A challenge whose length is not the key's block length.
        public static let wrongChallengeLength = Code(.wrongChallengeLength)
        /// A sealed key that is not in a known format.
        public static let malformedSealedKey = Code(.malformedSealedKey)
        /// A sealed key that was tampered with, or opened with the wrong master key or card.
        public static let sealedKeyAuthenticationFailed = Code(.sealedKeyAuthenticationFailed)
        /// A stored password hash that is not in the encoded form.
        public static let malformedPasswordHash = Code(.malformedPasswordHash)
        /// A master key file that is missing, has the wrong size or is readable by others.
        public static let masterKeyFile = Code(.masterKeyFile)
        /// The master key file is protected by a passphrase, and none (or a wrong one) was given.
        public static let masterKeyPassphrase = Code(.masterKeyPassphrase)
        /// The worker pool's queue is full; try again later (RESOURCE_EXHAUSTED).
        public static let overloaded = Code(.overloaded)
        /// The caller's deadline passed before the job's result was there (DEADLINE_EXCEEDED).
        public static let deadlinePassed = Code(.deadlinePassed)
        /// The worker pool is shutting down and takes no new work (UNAVAILABLE).
        public static let shutDown = Code(.shutDown)
        /// OpenSSL reported a failure.
        public static let openSSL = Code(.openSSL)

        public var description: String { "\(wrapped)" }
    }

    /// The rule or condition that failed.
    public var code: Code
    /// What is wrong, in words a user or operator can act on; never key or password material.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
