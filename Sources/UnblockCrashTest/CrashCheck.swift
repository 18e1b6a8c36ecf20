// Each crash tree recovered in memory and compared with what the run acknowledged.
import UnblockCore
import UnblockStore

/// What one crash tree recovered to, when it lost something.
struct CrashLoss: CustomStringConvertible {
    let point: Int
    let tree: Int
    let reason: String
    var description: String { "point \(point), tree \(tree): \(reason)" }
}

enum CrashCheck {
    /// Recovers `files` and checks it against the run: recovery succeeds, every commit
    /// acknowledged is there, and the state is exactly the one after the commit recovered to
    /// (nothing half-applied: the replay history and the limits with it). Nil when it holds.
    static func check(_ files: [String: [UInt8]], acknowledged: UInt64, workload: CrashWorkload) -> String? {
        switch CrashRecovery.recover(
            files: files, folder: workload.folder, auditRetention: CrashWorkload.auditRetention)
        {
        case .failure(let error):
            return "recovery failed: \(error.message)"
        case .success(let (directory, sequence)):
            if sequence < acknowledged {
                return "commit \(acknowledged) was acknowledged, recovery stopped at \(sequence)"
            }
            guard let expected = workload.expected[sequence] else {
                return "recovered to commit \(sequence), which the run never made"
            }
            if directory != expected { return "the state recovered at commit \(sequence) is not the state committed" }
            return nil
        }
    }
}
