// Every audit event as one JSON line, as its commit is applied: what a SIEM follows (--audit-log).
import Dispatch
import Foundation
import Logging
import Synchronization
import UnblockCore

/// What follows the audit trail as it is written: given each commit's events, in order,
/// under the store's lock (so: queue them, never block).
public protocol AuditObserver: Sendable {
    func append(_ events: [AuditEvent])
    /// Waits until everything given so far is handled (at close).
    func flush()
}

/// An append-only file (or standard output) of audit events, one JSON object per line, in
/// sequence order. Lines are written on a queue of its own: a slow disk never holds a commit
/// (and when it falls far behind, lines are left out and counted, not kept without end).
/// `reopen()` (SIGHUP) starts a new file at the same path after logrotate moved the old one.
public final class AuditLogFile: AuditObserver {
    /// Where the lines go.
    public enum Destination: Sendable, Equatable {
        case file(String)
        case standardOutput
    }

    public let destination: Destination
    private let descriptor: Mutex<Int32>
    private let queue: ObserverQueue

    /// Opens the file (appending; made 0600 if new); `logger` hears when lines had to be left
    /// out because more than `waitingLimit` events were waiting.
    /// - Throws: `StoreError` naming the file when it cannot be opened.
    public init(_ destination: Destination, logger: Logger, waitingLimit: Int = 100_000) throws(StoreError) {
        self.destination = destination
        descriptor = Mutex(try Self.open(destination))
        queue = ObserverQueue(label: "unblock.audit-log", limit: waitingLimit) { dropped in
            logger.error(
                "the audit log fell behind: events were left out (the audit trail has them)",
                metadata: ["dropped": "\(dropped)"])
        }
    }

    /// Queues `events`' lines.
    public func append(_ events: [AuditEvent]) {
        guard !events.isEmpty else { return }
        queue.submit(events) { events in
            var bytes: [UInt8] = []
            for event in events { bytes += Self.line(event) }
            self.descriptor.withLock { descriptor in
                bytes.withUnsafeBytes {
                    var rest = $0;
                    while !rest.isEmpty {
                        let written = write(descriptor, rest.baseAddress, rest.count)
                        guard written > 0 else { return }
                        rest = UnsafeRawBufferPointer(rebasing: rest[written...])
                    }
                }
            }
        }
    }

    /// Closes the file and opens the path again, after the lines queued so far are written.
    public func reopen() throws(StoreError) {
        guard case .file = destination else { return }
        let fresh = try Self.open(destination)
        queue.sync {
            descriptor.withLock { descriptor in
                close(descriptor)
                descriptor = fresh
            }
        }
    }

    /// Waits until every queued line is written.
    public func flush() { queue.flush() }

    static func line(_ event: AuditEvent) -> [UInt8] {
        let object: [String: Any] = [
            "sequence": event.sequence,
            "time": Date(timeIntervalSince1970: Double(event.at.milliseconds) / 1_000)
                .formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "actor": event.actor, "action": event.action, "target": event.target, "outcome": event.outcome,
            "detail": event.detail,
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return [UInt8](data) + [UInt8(ascii: "\n")]
    }

    private static func open(_ destination: Destination) throws(StoreError) -> Int32 {
        switch destination {
        case .standardOutput: return STDOUT_FILENO
        case .file(let path):
            let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw StoreError(
                    code: .io, message: "cannot open the audit log \(path): \(String(cString: strerror(errno)))")
            }
            return descriptor
        }
    }
}
