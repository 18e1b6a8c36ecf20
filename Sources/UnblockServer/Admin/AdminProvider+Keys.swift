// Cards issued and rekeyed: RegisterCard and RotateCardKey. Key bytes are sealed on a crypto worker at once.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension AdminProvider {
    func registerCard(_ request: RegisterCardRequest, _ caller: Caller, _ context: CallContext) async throws
        -> CardChangeResponse
    {
        try caller.require(.administer)
        guard let serial = SmartCard.normalizedSerial(request.serial) else {
            throw RPCError(.invalidArgument, SmartCard.serialRule)
        }
        let state: SmartCard.State
        switch request.state {
        case .unspecified, .active: state = .active
        case .suspended: state = .suspended
        default: throw RPCError(.invalidArgument, "a new card is CARD_STATE_ACTIVE or CARD_STATE_SUSPENDED")
        }
        let key = try Self.checked(request.key, context: context)
        guard let algorithm = AdminKeyAlgorithm(key.algorithm) else {
            throw RPCError(.invalidArgument, "name the key's algorithm: 3DES, AES-128, AES-192 or AES-256")
        }
        // The seal binds the card's id, which the commit assigns: sealed for the next free id,
        // and sealed again in the rare case another card took it meanwhile.
        for _ in 0..<3 {
            let id = try await store.read { $0.newCardID() }
            let record = try await keyRecord(key.source!, algorithm: algorithm, serial: serial, cardID: id, version: 1)
            try context.checkDeadline()
            let now = Timestamp.now
            let response: CardChangeResponse? = try await store.commit { [self] directory in
                guard directory.newCardID() == id else { return ([], nil) }
                guard directory.card(serial: serial) == nil else {
                    throw RPCError(.alreadyExists, "a card with serial \(serial) already exists")
                }
                let owner = try directory.existingUser(named: request.owner)
                guard directory.profile(named: request.profile) != nil else {
                    throw RPCError(.notFound, "no card profile named \"\(request.profile.prefix(200))\"")
                }
                let card = SmartCard(
                    id: id, serial: serial, owner: owner.id, profile: request.profile, state: state, key: record)
                let event = AuditEvent(
                    at: now, actor: caller.account.username, action: "register-card", target: id.description,
                    outcome: "success",
                    detail: "serial=\(serial) owner=\(owner.username) profile=\(request.profile) state=\(state) "
                        + "key=\(algorithm.rawValue) \(Self.origin(record)) kcv=\(HexFormat.plain(record.checkValue)) "
                        + "\(context.origin)")
                return (
                    [.card(card), .audit(event)],
                    CardChangeResponse(changed: true, card: try details(card, in: directory, now: now))
                )
            }
            if let response { return response }
        }
        throw RPCError(.aborted, "cards were being registered meanwhile; try again")
    }

    /// The card's key version goes up by one; the responses it already gave keep naming theirs.
    func rotateCardKey(_ request: RotateCardKeyRequest, _ caller: Caller, _ context: CallContext) async throws
        -> CardChangeResponse
    {
        try caller.require(.administer)
        let key = try Self.checked(request.key, context: context)
        let card = try await store.read { try $0.existingCard(serial: request.serial) }
        guard card.state != .revoked else { throw Self.revoked(card) }
        let algorithm = key.algorithm == .unspecified ? card.key.algorithm : AdminKeyAlgorithm(key.algorithm)
        guard let algorithm else { throw RPCError(.invalidArgument, "unknown key algorithm") }
        if key.source == .derive, case .derived = card.key.source, algorithm == card.key.algorithm {
            throw RPCError(
                .failedPrecondition,
                "this card's key is already derived with \(algorithm.displayName): deriving it again gives the same "
                    + "key; give new key bytes instead")
        }
        let version = card.key.version + 1
        let record = try await keyRecord(
            key.source!, algorithm: algorithm, serial: card.serial, cardID: card.id, version: version)
        try context.checkDeadline()
        let now = Timestamp.now
        return try await store.commit { [self] directory in
            guard var current = directory.card(id: card.id), current.key.version == card.key.version else {
                throw RPCError(.aborted, "the card's key changed meanwhile; look at it again and retry")
            }
            guard current.state != .revoked else { throw Self.revoked(current) }
            current.key = record
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "rotate-card-key", target: card.id.description,
                outcome: "success",
                detail: "serial=\(card.serial) keyVersion=\(card.key.version)->\(version) key=\(algorithm.rawValue) "
                    + "\(Self.origin(record)) kcv=\(HexFormat.plain(record.checkValue)) \(context.origin)")
            return (
                [.card(current), .audit(event)],
                CardChangeResponse(changed: true, card: try details(current, in: directory, now: now))
            )
        }
    }

    // MARK: Keys

    /// The key an administrator sent, with a source; key bytes only over a confidential connection.
    private static func checked(_ key: NewAdminKey?, context: CallContext) throws -> NewAdminKey {
        guard let key, let source = key.source else {
            throw RPCError(.invalidArgument, "give the admin key: its bytes, or derive = true")
        }
        if case .keyBytes = source { try context.requireConfidentialConnection() }
        return key
    }

    /// The key's record for card `cardID` at `version`: sealed (or derived) and its check
    /// value, made on a crypto worker. A key the rules refuse is INVALID_ARGUMENT, in their words.
    private func keyRecord(
        _ source: NewAdminKey.Source, algorithm: AdminKeyAlgorithm, serial: String, cardID: CardID, version: UInt32
    ) async throws -> AdminKeyRecord {
        let masterKeys = masterKeys
        let outcome: Result<AdminKeyRecord, CryptoError> = try await pool.run { cipher in
            Result { () throws(CryptoError) in
                let key: AdminKey
                let stored: AdminKeyRecord.Source
                switch source {
                case .keyBytes(let bytes):
                    key = try AdminKey(algorithm: algorithm, bytes: bytes)
                    stored = .sealed(
                        try KeySealer(masterKeys).seal(key, cardID: cardID.description, keyVersion: version))
                case .derive:
                    key = try AdminKeyDerivation.adminKey(
                        masterKey: masterKeys.derivation, serial: serial, algorithm: algorithm)
                    stored = .derived
                }
                return AdminKeyRecord(
                    algorithm: algorithm, source: stored, version: version,
                    checkValue: try cipher.keyCheckValue(of: key))
            }
        }
        switch outcome {
        case .success(let record): return record
        case .failure(let error): throw RPCError(.invalidArgument, "the admin key: \(error.message)")
        }
    }

    private static func origin(_ record: AdminKeyRecord) -> String {
        if case .derived = record.source { return "derived" }
        return "sealed"
    }
}

extension AdminKeyAlgorithm {
    /// The domain algorithm for a wire one; nil for unspecified.
    init?(_ algorithm: KeyAlgorithm) {
        switch algorithm {
        case .tripleDES: self = .tripleDES
        case .aes128: self = .aes128
        case .aes192: self = .aes192
        case .aes256: self = .aes256
        case .unspecified: return nil
        }
    }
}
