// UnblockPinOffline: the response to a blocked card's challenge, for its owner only, recorded before it is returned.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension SelfServiceHandler {
    func unblockPinOffline(_ request: UnblockPinOfflineRequest, _ context: CallContext) async throws
        -> UnblockPinOfflineResponse
    {
        let caller = try authenticatedCaller(context).account
        let policy = configuration.unblockPolicy
        // Ownership, state and profile first: before the challenge is even read, so that a card
        // that is not the caller's reveals nothing (not even its key's algorithm).
        let card = try store.read { directory -> SmartCard in
            let card: SmartCard? =
                switch request.card {
                case .cardID(let text): CardID(text).flatMap { directory.card(id: $0) }
                case .serial(let serial): directory.card(serial: serial)
                case nil: throw RPCError(.invalidArgument, "name the card by card_id or serial")
                }
            let profile = card.flatMap { directory.profile(named: $0.profile) }
            if let refusal = policy.checkAccess(caller: caller, card: card, profile: profile) { throw refusal.status }
            return card!
        }
        let challenge: Challenge
        do {
            challenge = try Challenge(text: request.challenge, algorithm: card.key.algorithm)
        } catch {
            throw RPCError(.invalidArgument, error.message)
        }
        let challengeHash = Digest.sha256(Array(card.id.description.utf8) + challenge.bytes)
        if let refusal = policy.checkChallenge(challengeHash, card: card, now: .now) { throw refusal.status }
        try context.checkDeadline()

        let response = try await computeResponse(to: challenge, card: card)

        // Record it, re-checking against the latest state: a concurrent call may have used the
        // last response of the day or answered the same challenge meanwhile.
        let now = Timestamp.now
        try await store.commit { directory in
            let current = directory.card(id: card.id)
            let owner = directory.account(id: caller.id) ?? caller
            let currentProfile = current.flatMap { directory.profile(named: $0.profile) }
            if let refusal = policy.checkAccess(caller: owner, card: current, profile: currentProfile)
                ?? current.flatMap({ policy.checkChallenge(challengeHash, card: $0, now: now) })
            {
                throw refusal.status
            }
            let event = AuditEvent(
                at: now, actor: caller.username, action: "unblock-pin-offline", target: card.id.description,
                outcome: "success",
                detail:
                    "serial=\(card.serial) keyVersion=\(card.key.version) kcv=\(HexFormat.plain(card.key.checkValue)) "
                    + "challengeSHA256=\(HexFormat.plain(challengeHash))"
            )
            return ([policy.recordingMutation(challengeHash, on: current!, now: now), .audit(event)], ())
        }
        return UnblockPinOfflineResponse(
            response: response.formatted, responseBytes: response.bytes, keyVersion: card.key.version,
            keyCheckValue: card.key.checkValue, cardID: card.id.description, serial: card.serial,
            keyAlgorithm: KeyAlgorithm(card.key.algorithm)
        )
    }

    /// Loads the card's admin key (unsealed or derived), checks it against its stored check
    /// value, and encrypts the challenge: all on the crypto pool.
    private func computeResponse(to challenge: Challenge, card: SmartCard) async throws -> UnblockResponse {
        let masterKey = store.masterKey
        do {
            return try await pool.run { cipher in
                let key: AdminKey
                switch card.key.source {
                case .sealed(let sealed):
                    key = try KeySealer(masterKey: masterKey).open(
                        sealed, algorithm: card.key.algorithm, cardID: card.id.description, keyVersion: card.key.version
                    )
                case .derived:
                    key = try AdminKeyDerivation.adminKey(
                        masterKey: masterKey, serial: card.serial, algorithm: card.key.algorithm)
                }
                // A wrong or corrupted key would burn the card's retry counter: refuse instead.
                try cipher.verify(key, keyCheckValue: card.key.checkValue)
                return try cipher.response(to: challenge, key: key)
            }
        } catch let error as CryptoError where error.code != .overloaded && error.code != .shutDown {
            logger.critical(
                "admin key failed its integrity check; no response given",
                metadata: ["card": "\(card.id)", "keyVersion": "\(card.key.version)", "error": "\(error)"])
            throw RPCError(.internal, "this card's key failed its integrity check; contact the help desk")
        }
    }
}

extension UnblockRefusal {
    /// The status and a message the card holder can act on.
    var status: RPCError {
        switch self {
        case .notFound:
            return RPCError.noSuchCard
        case .cardNotActive(let state):
            return RPCError(
                .failedPrecondition, "this card is \(state); only active cards can be unblocked, contact the help desk")
        case .processNotEnabled(let profile):
            return RPCError(
                .failedPrecondition,
                "Unblock PIN offline is not enabled for cards of profile \"\(profile)\"; ask an administrator to enable it"
            )
        case .alreadyAnswered:
            return RPCError(
                .failedPrecondition,
                "this challenge was already answered for this card; start the unblock again on the PC for a new challenge"
            )
        case .rateLimited(let retryAt):
            let minutes = max(1, (retryAt.milliseconds - Timestamp.now.milliseconds + 59_999) / 60_000)
            return RPCError(
                .resourceExhausted,
                "this card has reached its limit of responses for now; try again in \(minutes) minutes")
        }
    }
}
