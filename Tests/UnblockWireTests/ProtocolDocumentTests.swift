// docs/PROTOCOL.md's worked hex dumps are exactly what the bindings put on the wire.
import Foundation
import NIOCore
import Testing
import UnblockWire

@Suite struct ProtocolDocumentTests {
    /// The hex bytes of the code block after `<!-- marker -->`, comments (two or more spaces on) dropped.
    static func documentedBytes(_ marker: String) throws -> [UInt8] {
        let url = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../docs/PROTOCOL.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let afterMarker = try #require(text.range(of: "<!-- \(marker) -->")).upperBound
        let blockStart = try #require(text.range(of: "```\n", range: afterMarker..<text.endIndex)).upperBound
        let blockEnd = try #require(text.range(of: "```", range: blockStart..<text.endIndex)).lowerBound
        return text[blockStart..<blockEnd].split(separator: "\n").flatMap { line in
            let hex = line.components(separatedBy: "  ").first ?? ""
            return hex.split(separator: " ").map { UInt8($0, radix: 16)! }
        }
    }

    static func framed(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
        var buffer = ByteBuffer()
        write(&buffer)
        return Array(buffer.readableBytesView)
    }

    @Test func requestFrameMatches() throws {
        let request = UnblockPinOfflineRequest(card: .serial("04782E21801D80"), challenge: "1603 EBDF 1C8A 2E72")
        let bytes = Self.framed {
            $0.writeRequestFrame(
                callID: 7, method: SelfService.UnblockPinOffline.name, sessionToken: "Yk3xZ0lM",
                timeoutMilliseconds: 5_000, request: request
            )
        }
        #expect(bytes == (try Self.documentedBytes("request-frame")))
    }

    @Test func responseFrameMatches() throws {
        let response = UnblockPinOfflineResponse(
            response: "1951 EC3E F81B BABB", responseBytes: [0x19, 0x51, 0xEC, 0x3E, 0xF8, 0x1B, 0xBA, 0xBB],
            keyVersion: 1, keyCheckValue: [0x8A, 0x57, 0x51], cardID: "c-000001", serial: "04782E21801D80",
            keyAlgorithm: .tripleDES
        )
        #expect(
            Self.framed { $0.writeResponseFrame(callID: 7, response: response) }
                == (try Self.documentedBytes("response-frame")))
    }

    @Test func errorFrameMatches() throws {
        let frame = ResponseFrame(callID: 8, statusCode: .notFound, statusMessage: "no such card")
        #expect(Self.framed { $0.writeFrame(frame) } == (try Self.documentedBytes("error-frame")))
    }
}
