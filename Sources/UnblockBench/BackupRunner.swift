// Online backups of the harness's server, one after another, while the load runs.
import Foundation
import UnblockClient
import UnblockWire

/// Backs the server up into `folder`/backup-N, one after another until cancelled, and keeps
/// how long each took: the load's figures are then those of a server being backed up.
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

    func run() async throws {
        let admin = try connector.client(target, timeout: .seconds(600))
        defer { Task { await admin.close() } }
        try await admin.authenticate(username: "bench-admin", password: ManagedServer.adminPassword)
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let started = clock.now
            let result = try await admin.backup(
                to: "\(folder)/backup-\(durations.count + 1)", timeout: .seconds(600))
            let elapsed = clock.now - started
            durations.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            bytes = result.bytes
            sequence = result.sequence
        }
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
