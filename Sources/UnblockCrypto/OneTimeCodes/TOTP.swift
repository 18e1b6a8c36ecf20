// Time-based one-time codes (RFC 6238 over RFC 4226's HOTP), as authenticator apps make them.
import CLibcrypto
import UnblockCore

/// TOTP with HMAC-SHA-1, 6 digits and 30-second steps: what authenticator apps expect.
public enum TOTP {
    public static let digits = 6
    public static let period: Int64 = 30
    /// 160 bits, the length RFC 4226 recommends for SHA-1.
    public static let secretLength = 20

    /// The time step of `unixSeconds`.
    public static func step(at unixSeconds: Int64) -> UInt64 { UInt64(max(0, unixSeconds) / period) }

    /// The code for `step` (RFC 4226: HMAC-SHA-1 of the big-endian counter, dynamic truncation).
    public static func code(secret: SecretBytes, step: UInt64, digits: Int = digits) -> String {
        var counter = step.bigEndian
        var mac = [UInt8](repeating: 0, count: 20)
        secret.withUnsafeBytes { key in
            withUnsafeBytes(of: &counter) { message in
                unblock_hmac_sha1(
                    key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count,
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count, &mac)
            }
        }
        let offset = Int(mac[19] & 0x0F)
        let binary =
            UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The step, one either side of `now`'s, whose code `code` is and that comes after
    /// `lastUsedStep` (a code is good once); nil when there is none.
    public static func matchingStep(
        _ code: String, secret: SecretBytes, now unixSeconds: Int64, after lastUsedStep: UInt64
    )
        -> UInt64?
    {
        let typed = code.utf8.filter { $0 != UInt8(ascii: " ") }
        guard typed.count == digits else { return nil }
        let current = step(at: unixSeconds)
        var found: UInt64?
        // Every candidate is computed and compared in full, so that the time taken says nothing.
        for candidate in [current &- 1, current, current &+ 1] where candidate <= current + 1 {
            let expected = Array(Self.code(secret: secret, step: candidate).utf8)
            var difference: UInt8 = 0
            for index in 0..<digits { difference |= expected[index] ^ typed[index] }
            if difference == 0 && candidate > lastUsedStep && found == nil { found = candidate }
        }
        return found
    }

    /// The `otpauth://` URI an authenticator app reads (from a QR code) to enrol the secret.
    public static func uri(secret: SecretBytes, username: String, issuer: String) -> String {
        let label = percentEncoded(issuer) + ":" + percentEncoded(username)
        let encoded = secret.withUnsafeBytes { base32(Array($0)) }
        return "otpauth://totp/\(label)?secret=\(encoded)&issuer=\(percentEncoded(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    /// RFC 4648 base 32 without padding, as the key URI format wants it.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var text = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                text.append(alphabet[Int(buffer >> UInt32(bits - 5) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { text.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return text
    }

    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                encoded.append(Character(UnicodeScalar(byte)))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
