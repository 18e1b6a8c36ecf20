// The challenge a card shows, as people type it, and the response in the form Windows reads.
import UnblockCore

/// A challenge normalised to bytes: hex in either case; spaces, tabs, dashes and colons ignored.
public struct Challenge: Sendable, Equatable {
    /// The challenge bytes, exactly one block of the key's algorithm.
    public let bytes: [UInt8]

    /// Parses the text a user typed for a key of `algorithm`.
    /// - Throws: `CryptoError` with `.invalidChallengeCharacter` (naming the character and its
    ///   position) or `.wrongChallengeLength` (saying how many hex digits are expected).
    public init(text: String, algorithm: AdminKeyAlgorithm) throws(CryptoError) {
        if let bytes = Self.plainHex(text, blockLength: algorithm.blockLength) {
            self.bytes = bytes
        } else {
            self.bytes = try Self.parse(text, algorithm: algorithm)
        }
    }

    /// The usual case in one pass over the UTF-8 bytes: nil for anything else, which `parse`
    /// then reads character by character to say exactly what is wrong.
    private static func plainHex(_ text: String, blockLength: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blockLength)
        var high: UInt8?
        for byte in text.utf8 {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "\t"): continue
            default: return nil
            }
            if let first = high {
                guard bytes.count < blockLength else { return nil }
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil && bytes.count == blockLength ? bytes : nil
    }

    private static func parse(_ text: String, algorithm: AdminKeyAlgorithm) throws(CryptoError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(algorithm.blockLength)
        var high: UInt8?
        var digits = 0
        for (position, character) in text.unicodeScalars.enumerated() {
            let nibble: UInt8
            switch character {
            case "0"..."9": nibble = UInt8(character.value - 48)
            case "a"..."f": nibble = UInt8(character.value - 87)
            case "A"..."F": nibble = UInt8(character.value - 55)
            case " ", "-", ":", "\t": continue
            default:
                let shown =
                    character.properties.isWhitespace || character.value < 0x20
                    ? "U+\(String(character.value, radix: 16, uppercase: true))" : "'\(character)'"
                throw CryptoError(
                    code: .invalidChallengeCharacter,
                    message: "the challenge has \(shown) at position \(position + 1); "
                        + "only hex digits 0-9 and A-F are allowed (spaces, tabs, dashes and colons are ignored)"
                )
            }
            digits += 1
            if let first = high {
                if bytes.count < algorithm.blockLength { bytes.append(first << 4 | nibble) }
                high = nil
            } else {
                high = nibble
            }
        }
        let expected = algorithm.blockLength * 2
        guard digits == expected else {
            throw CryptoError(
                code: .wrongChallengeLength,
                message: "the challenge has \(digits) hex digits; a card with \(algorithm.keyPhrase) "
                    + "shows \(expected) (\(algorithm.blockLength) bytes)"
            )
        }
        return bytes
    }

    /// The challenge in the form Windows shows it.
    public var formatted: String { HexFormat.grouped(bytes) }
}

/// Hex the way Windows shows challenges: uppercase, groups of four digits separated by spaces.
public enum HexFormat {
    private static let digits = Array("0123456789ABCDEF".utf8)

    /// `[0x16, 0x03, 0xEB, 0xDF]` gives `"1603 EBDF"`.
    public static func grouped(_ bytes: [UInt8]) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 5 / 2)
        for (index, byte) in bytes.enumerated() {
            if index > 0 && index % 2 == 0 { utf8.append(UInt8(ascii: " ")) }
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Bytes from hex digits (either case); nil on any other character or an odd count.
    public static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Plain uppercase hex with no separators.
    public static func plain(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { utf8 in
            for (index, byte) in bytes.enumerated() {
                utf8[2 * index] = digits[Int(byte >> 4)]
                utf8[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }
}
