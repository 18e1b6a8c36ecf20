// Hex helpers for readable test vectors.
import Foundation

extension Array where Element == UInt8 {
    /// Bytes from hex text; spaces are ignored.
    init(hex: String) {
        let digits = Array(hex.replacingOccurrences(of: " ", with: "").utf8)
        self = stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    var hex: String { map { String(format: "%02X", $0) }.joined() }
}
