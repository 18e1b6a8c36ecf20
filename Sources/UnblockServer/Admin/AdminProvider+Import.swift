// ImportDirectory: a directory file applied on the running server, its cryptography on the crypto pool.
import Foundation
import UnblockCore
import UnblockCrypto
import UnblockStore
import UnblockWire

extension AdminProvider {
    func importDirectory(_ request: ImportDirectoryRequest, _ caller: Caller, _ context: CallContext) async throws
        -> ImportDirectoryResponse
    {
        try caller.require(.administer)
        // A directory file carries passwords and keys.
        try context.requireConfidentialConnection()
        let policy: ExistingEntryPolicy =
            switch request.existing {
            case .unspecified, .fail: .fail
            case .skip: .skip
            case .update: .update
            }
        let pool = pool
        let crypto = ImportCrypto(
            hashPassword: { try await pool.hashPassword($0) },
            withCipher: { body in try await pool.run { cipher in try body(cipher) } },
            minimumIterations: pool.passwordHasher.iterations)
        // Parsing and checking a file takes milliseconds: off the event loop, whose other
        // connections would wait for it (the connection's task prefers its loop).
        let (store, masterKeys, actor) = (store, masterKeys, caller.account.username)
        let summary = try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await store.importDirectory(
                Data(request.content), existing: policy, masterKeys: masterKeys, crypto: crypto, actor: actor)
        }
        return ImportDirectoryResponse(
            profilesAdded: UInt32(summary.profiles), usersAdded: UInt32(summary.users),
            cardsAdded: UInt32(summary.cards),
            updated: UInt32(summary.updated), skipped: UInt32(summary.skipped))
    }
}

extension ImportError: RPCErrorConvertible {
    /// Every problem by its JSON path, as many as a message holds.
    var rpcError: RPCError {
        let shown = problems.prefix(50).map(\.description)
        let more = problems.count > shown.count ? "; and \(problems.count - shown.count) more" : ""
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return RPCError(
            .invalidArgument,
            "the directory file has \(count); nothing was imported: " + shown.joined(separator: "; ") + more)
    }
}
