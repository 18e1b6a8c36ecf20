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
                directory.accounts.values.filter { $0.totpSecret != nil }.map(\.id)
            )
        }
        for batch in stride(from: 0, to: cards.count, by: Self.resealBatch) {
            let ids = cards[batch..<min(cards.count, batch + Self.resealBatch)]
            try await commit { directory in
                let changed = try ids.compactMap { (id) throws -> Mutation? in
                    guard var card = directory.card(id: id), case .sealed(let blob) = card.key.source else {
                        return nil
                    }
                    let key = try sealer.open(
                        blob, algorithm: card.key.algorithm, cardID: id.description, keyVersion: card.key.version)
                    card.key.source = .sealed(
                        try sealer.seal(key, cardID: id.description, keyVersion: card.key.version))
                    return .card(card)
                }
                return (changed, ())
            }
        }
        for batch in stride(from: 0, to: accounts.count, by: Self.resealBatch) {
            let ids = accounts[batch..<min(accounts.count, batch + Self.resealBatch)]
            try await commit { directory in
                let changed = try ids.compactMap { (id) throws -> Mutation? in
                    guard var account = directory.account(id: id), let sealed = account.totpSecret else { return nil }
                    let secret = try sealer.openTOTPSecret(sealed, accountID: id.rawValue)
                    account.totpSecret = try sealer.sealTOTPSecret(secret, accountID: id.rawValue)
                    return .account(account)
                }
                return (changed, ())
            }
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
}
