// QR codes read back by a real decoder (zbarimg, Debian zbar-tools): the bitmap, and the terminal's drawing.
import Foundation
import Testing
import UnblockQRCode
import UnblockTesting

@Suite struct QRCodeTests {
    static let uri =
        "otpauth://totp/Example%20Corp:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%20Corp"
        + "&algorithm=SHA1&digits=6&period=30"

    /// What zbarimg reads in a PBM image, nil when it reads nothing.
    static func decode(_ bitmap: String) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") else {
            Issue.record("zbarimg is not installed (Scripts/bootstrap --test installs zbar-tools)")
            return nil
        }
        let file = FileManager.default.temporaryDirectory.appending(path: "qr-\(UUID().uuidString).pbm").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(bitmap.utf8).write(to: URL(filePath: file))
        let result = runProgram(
            URL(filePath: "/usr/bin/zbarimg"), ["--raw", "-q", file], environment: ["PATH": "/usr/bin:/bin"])
        return result.status == 0 ? result.output.trimmingCharacters(in: .newlines) : nil
    }

    @Test func aBitmapDecodesBackToTheURI() throws {
        let code = try #require(QRCode(Self.uri))
        #expect(try Self.decode(code.portableBitmap()) == Self.uri)
    }

    @Test func theTerminalDrawingDecodesBackToo() throws {
        let code = try #require(QRCode(Self.uri))
        // The text back into modules: blocks are light, so dark is where no half is drawn.
        var rows: [[Bool]] = []
        for line in code.terminalText.split(separator: "\n") {
            var top: [Bool] = []
            var bottom: [Bool] = []
            for character in line {
                top.append(character == " " || character == "\u{2584}")
                bottom.append(character == " " || character == "\u{2580}")
            }
            rows += [top, bottom]
        }
        let scale = 4
        let width = rows[0].count * scale
        var bitmap = "P1\n\(width) \(rows.count * scale)\n"
        for row in rows {
            let line = row.flatMap { Array(repeating: $0 ? "1" : "0", count: scale) }.joined(separator: " ")
            for _ in 0..<scale { bitmap += line + "\n" }
        }
        #expect(try Self.decode(bitmap) == Self.uri)
    }

    @Test func theSVGHasOneSquarePerDarkModule() throws {
        let code = try #require(QRCode("hello"))
        let svg = code.svg(title: "code")
        let dark = (0..<code.size).flatMap { row in (0..<code.size).filter { code.isDark(row: row, column: $0) } }.count
        #expect(svg.components(separatedBy: "h1v1h-1z").count - 1 == dark)
        #expect(svg.hasPrefix("<svg") && svg.contains("aria-label=\"code\""))
    }
}
