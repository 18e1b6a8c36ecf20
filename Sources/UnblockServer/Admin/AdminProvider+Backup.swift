// Admin.Backup: a copy of the store, consistent at one commit, written while calls go on.
import UnblockCore
import UnblockStore
import UnblockWire

extension AdminProvider {
    /// Writes the backup on the server's host and audits it, whichever way it ends.
    func backup(_ request: BackupRequest, _ caller: Caller, _ context: CallContext) async throws -> BackupResponse {
        try caller.require(.administer)
        try context.checkDeadline()
        guard let store = store as? any OnlineBackup else {
            throw RPCError(.unimplemented, "this store is backed up with its own tools (pg_dump for PostgreSQL)")
        }
        do {
            let summary = try await store.backup(to: request.directory, includeMasterKey: request.includeMasterKey)
            try await audit(request, caller, context, outcome: "success", detail: "sequence=\(summary.sequence)")
            return BackupResponse(
                sequence: summary.sequence, files: UInt32(summary.files), bytes: UInt64(summary.bytes),
                manifest: summary.manifestPath)
        } catch let error as StoreError {
            try await audit(request, caller, context, outcome: "failure", detail: error.message)
            // The path and the system's reason are the administrator's own; nothing secret.
            throw RPCError(
                error.code == .invalidArgument ? .invalidArgument : .failedPrecondition, "backup: \(error.message)")
        }
    }

    private func audit(
        _ request: BackupRequest, _ caller: Caller, _ context: CallContext, outcome: String, detail: String
    ) async throws {
        let event = AuditEvent(
            at: .now, actor: caller.account.username, action: "backup", target: request.directory, outcome: outcome,
            detail: "\(detail) master_key=\(request.includeMasterKey) \(context.origin)")
        try await store.commit { _ in ([.audit(event)], ()) }
    }
}
