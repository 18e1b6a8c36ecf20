// JSON log lines: one object per line, with the fields a SIEM reads, metadata nested, quotes escaped.
import Foundation
import Logging
import Testing
import UnblockLogging

@Suite struct JSONLogHandlerTests {
    @Test func aLineIsOneJSONObjectWithTimeLevelLoggerMessageAndMetadata() throws {
        let pipe = Pipe()
        var handler = JSONLogHandler(label: "unblockd.test", descriptor: pipe.fileHandleForWriting.fileDescriptor)
        handler.metadata = ["connection": "7"]
        let logger = Logger(label: "unblockd.test") { _ in handler }
        logger.warning("a \"quoted\"\nmessage", metadata: ["client": "uid 1000", "cards": ["a", "b"]])
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.hasSuffix("\n") && text.dropLast().split(separator: "\n").count == 1, "one line: \(text)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning" && object["logger"] as? String == "unblockd.test")
        #expect(object["message"] as? String == "a \"quoted\"\nmessage")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["client"] as? String == "uid 1000" && metadata["connection"] as? String == "7")
        #expect(metadata["cards"] as? [String] == ["a", "b"])
        let time = try #require(object["time"] as? String)
        #expect(time.hasSuffix("Z") && time.contains("T") && time.contains("."), "\(time)")
    }
}
