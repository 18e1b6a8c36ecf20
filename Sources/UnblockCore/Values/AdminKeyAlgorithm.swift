// The block ciphers an admin key can use, with their key and block lengths.

/// The algorithm of a card's admin key; it fixes the key length and the challenge length.
public enum AdminKeyAlgorithm: String, Sendable, CaseIterable, Codable {
    /// 3-key 3DES-EDE (24-byte key, 8-byte block). Deprecated by NIST; still on many cards.
    case tripleDES = "3des"
    case aes128
    case aes192
    case aes256

    /// Key length in bytes.
    public var keyLength: Int {
        switch self {
        case .tripleDES: 24
        case .aes128: 16
        case .aes192: 24
        case .aes256: 32
        }
    }

    /// Block length in bytes: the length of a challenge and of its response.
    public var blockLength: Int {
        self == .tripleDES ? 8 : 16
    }

    /// The name people know: "3DES", "AES-128".
    public var displayName: String {
        switch self {
        case .tripleDES: "3DES"
        case .aes128: "AES-128"
        case .aes192: "AES-192"
        case .aes256: "AES-256"
        }
    }

    /// "a 3DES key", "an AES-128 key".
    public var keyPhrase: String {
        "\(self == .tripleDES ? "a" : "an") \(displayName) key"
    }

    /// Position in `allCases`, for per-algorithm tables.
    package var index: Int {
        switch self {
        case .tripleDES: 0
        case .aes128: 1
        case .aes192: 2
        case .aes256: 3
        }
    }
}
