// QR codes made by libqrencode, drawn for a terminal (text) or a web page (SVG).
import CQRencode

/// A QR code's modules (true: dark), square, without the quiet zone.
public struct QRCode: Sendable, Equatable {
    public let size: Int
    private let modules: [Bool]

    /// Encodes `text` as bytes, with error correction level M (15 % of the symbol can be lost).
    /// - Returns: nil when the text is too long for any QR code.
    public init?(_ text: String) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        size = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits say how it was made.
        modules = (0..<size * size).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool {
        guard (0..<size).contains(row), (0..<size).contains(column) else { return false }
        return modules[row * size + column]
    }

    /// Text for a terminal with a dark background (as `qrencode -t UTF8` draws it): light
    /// modules in blocks, two rows per line in half blocks, with the quiet zone of 4 modules
    /// that scanners need around the code.
    public var terminalText: String {
        let quiet = 4
        var lines: [String] = []
        for row in stride(from: -quiet, to: size + quiet, by: 2) {
            var line = ""
            for column in -quiet..<(size + quiet) {
                switch (isDark(row: row, column: column), isDark(row: row + 1, column: column)) {
                case (false, false): line += "\u{2588}"
                case (true, false): line += "\u{2584}"
                case (false, true): line += "\u{2580}"
                case (true, true): line += " "
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// An SVG image (one path), `moduleSize` pixels per module, with the quiet zone.
    public func svg(moduleSize: Int = 6, title: String) -> String {
        let total = (size + 8) * moduleSize
        var path = ""
        for row in 0..<size {
            for column in 0..<size where isDark(row: row, column: column) {
                path += "M\(column + 4) \(row + 4)h1v1h-1z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(total)" height="\(total)" \
            viewBox="0 0 \(size + 8) \(size + 8)" role="img" aria-label="\(title)" shape-rendering="crispEdges">\
            <rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    /// A portable bitmap (PBM, P1), `scale` pixels per module, with the quiet zone: what
    /// image tools read without a library.
    public func portableBitmap(scale: Int = 4) -> String {
        let total = (size + 8) * scale
        var rows = ["P1", "\(total) \(total)"]
        for y in 0..<total {
            let row = y / scale - 4
            rows.append((0..<total).map { isDark(row: row, column: $0 / scale - 4) ? "1" : "0" }.joined(separator: " "))
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
