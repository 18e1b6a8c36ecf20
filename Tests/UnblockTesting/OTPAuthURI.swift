// Reading an otpauth:// URI back as an authenticator app does: the secret in it, base 32 decoded.

/// The secret bytes of an `otpauth://` URI; nil when it has none or it is not base 32.
public func otpauthSecret(of uri: String) -> [UInt8]? {
    guard let query = uri.split(separator: "?").last,
        let encoded = query.split(separator: "&").first(where: { $0.hasPrefix("secret=") })?.dropFirst(7)
    else { return nil }
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var bytes: [UInt8] = []
    var (buffer, bits): (UInt32, Int) = (0, 0)
    for character in encoded {
        guard let value = alphabet.firstIndex(of: character) else { return nil }
        buffer = buffer << 5 | UInt32(value)
        bits += 5
        if bits >= 8 {
            bytes.append(UInt8(buffer >> UInt32(bits - 8) & 0xFF))
            bits -= 8
        }
    }
    return bytes
}
