// A SHA-256 digest held inline: cards remember many challenge hashes, sessions are looked up by one.

/// A 32-byte digest as four words: no heap array per value, so copying a card's history
/// of challenge hashes is a memcpy, comparing two is four integer compares, and hashing
/// one (a session lookup) is four words, not 32 bytes one at a time.
public struct SHA256Hash: Hashable, Sendable {
    public static let byteCount = 32

    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// Nil unless `bytes` holds exactly 32 bytes.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self = bytes.withUnsafeBytes(Self.init(raw:))
    }

    /// The first 32 bytes at `raw`, the first byte the most significant of the first word.
    package init(raw: UnsafeRawBufferPointer) {
        func word(_ index: Int) -> UInt64 {
            UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        words = (word(0), word(1), word(2), word(3))
    }

    /// The 32 bytes, in order.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)) {
            Array($0)
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
