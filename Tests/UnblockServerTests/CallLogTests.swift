// The per-call log at debug level: what each call records, and that no secret is in it.
import Logging
import Synchronization
import Testing
import UnblockClient
import UnblockTesting
import UnblockWire

/// Keeps every log entry, for tests to read.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append(
                Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}

@Suite struct CallLogTests {
    @Test(arguments: Transport.allCases)
    func atDebugLevelEachCallIsLoggedWithItsIdentityStatusAndDurationButNoSecret(_ transport: Transport) async throws {
        let capture = LogCapture()
        try await TestServer.with(logger: capture.logger(level: .debug)) { server in
            let client = server.client(transport)
            _ = try await client.health()
            let session = try await client.authenticate(username: "alice", password: "alice-demo-password")
            _ = try await client.listCards()
            let refused = await status { try await client.unblockPinOffline(card: .serial("nope"), challenge: "00") }
            #expect(refused == .notFound)

            let calls = capture.all.filter { $0.message == "call" }
            let methods = [
                SelfService.Health.name, SelfService.Authenticate.name, SelfService.ListCards.name,
                SelfService.UnblockPinOffline.name,
            ]
            for method in methods {
                let entry = try #require(calls.first { $0.metadata["method"] == method }, "\(method)")
                #expect(entry.level == .debug)
                for key in ["connection", "call", "status", "duration"] {
                    #expect(entry.metadata[key]?.isEmpty == false, "\(method): \(key)")
                }
            }
            let unblock = calls.first { $0.metadata["method"] == SelfService.UnblockPinOffline.name }
            #expect(unblock?.metadata["status"] == "\(StatusCode.notFound)")
            let everything = capture.all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!everything.contains(session.sessionToken))
            #expect(!everything.contains("alice-demo-password"))
        }
    }

    @Test func atInfoLevelCallsAreNotLogged() async throws {
        let capture = LogCapture()
        try await TestServer.with(logger: capture.logger(level: .info)) { server in
            _ = try await server.client(.unix).health()
            _ = try await server.login("alice", .unix).listCards()
        }
        #expect(!capture.all.contains { $0.message == "call" })
    }
}
