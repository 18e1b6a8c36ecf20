// The audit log file: JSON lines in order, and a reader that falls behind never makes memory grow without end.
import Foundation
import Logging
import Synchronization
import Testing
import UnblockCore
import UnblockStore

@Suite struct AuditLogFileTests {
    /// The messages a recorder was given.
    final class Messages: Sendable {
        let list = Mutex<[String]>([])
    }

    /// A log handler that keeps the messages it is given.
    struct Recorder: LogHandler {
        let messages: Messages
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { nil }
            set {}
        }
        func log(event: LogEvent) { messages.list.withLock { $0.append("\(event.message) \(event.metadata ?? [:])") } }
    }

    static func event(_ sequence: UInt64) -> AuditEvent {
        AuditEvent(
            sequence: sequence, at: Timestamp(milliseconds: 1_800_000_000_000), actor: "alice", action: "authenticate",
            target: "alice", outcome: "success", detail: "client=uid 1000")
    }

    @Test func aReaderThatFallsBehindLosesLinesNotMemoryAndIsTold() async throws {
        // A pipe nobody reads yet: its buffer fills, the writer waits, the queue reaches its limit.
        let pipe = Pipe()
        let messages = Messages()
        let recorder = Recorder(messages: messages)
        let logger = Logger(label: "test") { _ in recorder }
        let log = try AuditLogFile(
            .file("/proc/self/fd/\(pipe.fileHandleForWriting.fileDescriptor)"), logger: logger, waitingLimit: 2_000)
        // More than the pipe's buffer (64 KiB, about 400 lines) and the queue's limit hold.
        let total = 6_000
        for batch in stride(from: 1, through: total, by: 100) {
            log.append((batch..<batch + 100).map { Self.event(UInt64($0)) })
        }
        // Read everything there is, up to the line of one more event appended once the queue had room.
        let last = Data("\"sequence\":\(total + 1)".utf8)
        let reader = Task.detached {
            var data = Data()
            while data.range(of: last) == nil {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            return data
        }
        log.flush()
        log.append([Self.event(UInt64(total + 1))])
        log.flush()
        let text = String(decoding: await reader.value, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count < total && lines.count >= 2_000, "\(lines.count) lines")
        let sequences = lines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["sequence"] as? Int
        }
        #expect(sequences == sequences.sorted() && sequences.last == total + 1, "in order, the last one too")
        #expect(messages.list.withLock { $0 }.contains { $0.contains("the audit log fell behind") }, "told")
    }
}
