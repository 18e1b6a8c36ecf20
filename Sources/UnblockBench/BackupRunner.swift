// Online backups of the harness's server, one after another, while the load runs.
import Foundation
import UnblockClient
import UnblockWire

/// Backs the server up into `folder`/backup-N, one after another for the measured window, and
/// keeps how long each took: the load's figures are then those of a server being backed up.
/// Each backup is removed once the next one is complete: one at most stays on disk.
actor BackupRunner {
    let target: BindAddress
    let connector: Connector
    let folder: String
    private var durations: [Double] = []
    private var bytes: UInt64 = 0
    private var sequence: UInt64 = 0

    init(target: BindAddress, connector: Connector, folder: String) {
        self.target = target
        self.connector = connector
        self.folder = folder
    }

    func run(for window: Duration) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let admin = try connector.client(target, timeout: .seconds(600))
        defer { Task { await admin.close() } }
        try await admin.authenticate(username: "bench-admin", password: ManagedServer.adminPassword)
        let clock = ContinuousClock()
        let end = clock.now + window
        while clock.now < end && !Task.isCancelled {
            let started = clock.now
            let destination = "\(folder)/backup-\(durations.count + 1)"
            let result = try await admin.backup(to: destination, timeout: .seconds(600))
            try? FileManager.default.removeItem(atPath: "\(folder)/backup-\(durations.count)")
            let elapsed = clock.now - started
            durations.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            bytes = result.bytes
            sequence = result.sequence
        }
    }

    /// For the JSON result: backups, bytes of the last, median seconds.
    var summary: [String: Double]? {
        guard !durations.isEmpty else { return nil }
        return [
            "backups": Double(durations.count), "bytes": Double(bytes),
            "medianSeconds": durations.sorted()[durations.count / 2],
        ]
    }

    /// "backup  3 backups of 176 MB (the last at sequence 1234), 2.41 s each (median)".
    var report: String? {
        guard !durations.isEmpty else { return "backup        none finished while measuring" }
        let median = durations.sorted()[durations.count / 2]
        return String(
            format: "backup        %d backups of %.0f MB (the last at sequence %llu), %.2f s each (median)",
            durations.count, Double(bytes) / 1e6, sequence, median)
    }
}
