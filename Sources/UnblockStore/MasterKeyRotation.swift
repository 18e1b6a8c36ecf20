// A new sealing key for the master key file, every sealed key and secret re-sealed under it.
import UnblockCore
import UnblockCrypto

/// What a rotation re-sealed.
public struct SealingKeyRotation: Sendable, Equatable {
    public var adminKeys: Int
    public var totpSecrets: Int
}

extension EmbeddedStore {
    static let resealBatch = 500

    /// Rotates the sealing key of the master key file, on a store opened for this alone
    /// (`unblockd master-key rotate`, the server stopped).
    ///
    /// The key file is the rotation's own journal: it first gains the new key in front of the
    /// old ones, then every sealed admin key and TOTP secret is re-sealed in journaled commits,
    /// then a snapshot makes them durable, and only then does the file drop the old keys. A
    /// crash at any point leaves every blob sealed under a key the file holds; rotating again
    /// finishes the work. The derivation key, and so every derived card key, is unchanged.
    public func rotateSealingKey(actor: String) async throws -> SealingKeyRotation {
        let path = "\(folder.path)/\(DataDirectory.masterKeyFile)"
        let rotated = try masterKeys.addingSealingKey()
        try MasterKey.replace(at: path, with: rotated, passphrase: configuration.masterKeyPassphrase)
        let sealer = KeySealer(rotated)
        let (cards, accounts) = withDirectory { directory in
            (
                directory.cards.values.filter { if case .sealed = $0.key.source { true } else { false } }.map(\.id),
                directory.accounts.values.filter { $0.totpSecret != nil || $0.totpPending != nil }.map(\.id)
            )
        }
        try await commitInBatches(cards) { directory, id in
            guard var card = directory.card(id: id), case .sealed(let blob) = card.key.source else { return nil }
            let key = try sealer.open(
                blob, algorithm: card.key.algorithm, cardID: id.description, keyVersion: card.key.version)
            card.key.source = .sealed(try sealer.seal(key, cardID: id.description, keyVersion: card.key.version))
            return .card(card)
        }
        try await commitInBatches(accounts) { directory, id in
            guard var account = directory.account(id: id) else { return nil }
            // The enrolled secret, and one being enrolled (its first code not yet given).
            func resealed(_ sealed: [UInt8]?) throws -> [UInt8]? {
                try sealed.map {
                    try sealer.sealTOTPSecret(sealer.openTOTPSecret($0, accountID: id.rawValue), accountID: id.rawValue)
                }
            }
            account.totpSecret = try resealed(account.totpSecret)
            account.totpPending = try resealed(account.totpPending)
            return .account(account)
        }
        let summary = SealingKeyRotation(adminKeys: cards.count, totpSecrets: accounts.count)
        let event = AuditEvent(
            at: .now, actor: actor, action: "rotate-master-key", target: DataDirectory.masterKeyFile,
            outcome: "success", detail: "resealed admin_keys=\(summary.adminKeys) totp_secrets=\(summary.totpSecrets)")
        try await commit { _ in ([.audit(event)], ()) }
        try await snapshot()
        try MasterKey.replace(
            at: path, with: rotated.retiringOldSealingKeys(), passphrase: configuration.masterKeyPassphrase)
        return summary
    }

    /// One commit per `resealBatch` ids, each changed as `change` says (nil: unchanged).
    private func commitInBatches<ID: Sendable>(
        _ ids: [ID], _ change: @escaping (Directory, ID) throws -> Mutation?
    ) async throws {
        for start in stride(from: 0, to: ids.count, by: Self.resealBatch) {
            let batch = ids[start..<min(ids.count, start + Self.resealBatch)]
            try await commit { directory in (try batch.compactMap { try change(directory, $0) }, ()) }
        }
    }
}
