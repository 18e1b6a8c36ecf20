// A username placed in a DN (RFC 4514) or a search filter (RFC 4515), so that it can only be a value.
import Foundation

public enum LDAPEscaping {
    /// `value` as an attribute value in a DN: `, + " \ < > ; =` and a leading `#` or space, a
    /// trailing space, and NUL escaped with a backslash (NUL in hex).
    public static func distinguishedNameValue(_ value: String) -> String {
        var escaped = ""
        let characters = Array(value)
        for (index, character) in characters.enumerated() {
            switch character {
            case ",", "+", "\"", "\\", "<", ">", ";", "=":
                escaped += "\\" + String(character)
            case "#" where index == 0, " " where index == 0 || index == characters.count - 1:
                escaped += "\\" + String(character)
            case "\0":
                escaped += "\\00"
            default:
                escaped.append(character)
            }
        }
        return escaped
    }

    /// `value` as an assertion value in a filter: `*`, `(`, `)`, `\` and NUL as `\2a`, `\28`,
    /// `\29`, `\5c`, `\00`.
    public static func filterValue(_ value: String) -> String {
        var escaped: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "*"): escaped += Array("\\2a".utf8)
            case UInt8(ascii: "("): escaped += Array("\\28".utf8)
            case UInt8(ascii: ")"): escaped += Array("\\29".utf8)
            case UInt8(ascii: "\\"): escaped += Array("\\5c".utf8)
            case 0: escaped += Array("\\00".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// `template` with `{username}` replaced by `username`, escaped for where it goes.
    public static func fill(_ template: String, username: String, filter: Bool) -> String {
        template.replacingOccurrences(
            of: "{username}", with: filter ? filterValue(username) : distinguishedNameValue(username))
    }
}
