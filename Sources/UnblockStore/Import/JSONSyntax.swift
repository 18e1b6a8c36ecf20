// Where a JSON text stops being JSON, as a line and column a person can find in an editor.
import Foundation

enum JSONSyntax {
    /// Foundation's parser reports a byte offset ("around character 19"); people look for a line.
    static func describe(_ error: any Error, in data: Data) -> String {
        let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        guard let offset = byteOffset(in: detail), offset < data.count else {
            if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return "the file is empty, not JSON" }
            return "not valid JSON: the file ends before its last object or list is closed (a missing } or ])"
        }
        var line = 1
        var lineStart = 0
        for (index, byte) in data.prefix(offset).enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        // Columns count characters, not bytes.
        let column = String(decoding: data[lineStart..<offset], as: UTF8.self).count + 1
        let found = String(decoding: data[offset...].prefix(12), as: UTF8.self)
            .prefix { $0 != "\n" && $0 != "\r" }
        return "not valid JSON at line \(line), column \(column), at \"\(found)\": "
            + "expected a value, a comma or a closing bracket there (a missing comma or quote, or a trailing comma?)"
    }

    private static func byteOffset(in detail: String) -> Int? {
        guard let range = detail.range(of: "character ") else { return nil }
        return Int(detail[range.upperBound...].prefix { $0.isNumber })
    }
}
