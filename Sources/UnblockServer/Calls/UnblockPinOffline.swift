// UnblockPinOffline: the response to a blocked card's challenge, for its owner only, recorded before it is returned.
import NIOCore
import UnblockCore
import UnblockCrypto
import UnblockWire

extension SelfServiceHandler {
    /// What the checks before the cipher established for one call.
    struct UnblockPlan: Sendable {
        let caller: Account
        let card: SmartCard
        let challenge: Challenge
        let challengeHash: [UInt8]
        let context: CallContext
        let started: ContinuousClock.Instant
    }

    /// Starts an UnblockPinOffline call without a task, so that an event loop can run it.
    ///
    /// The checks run at once on the caller's thread, and a refusal is returned as the
    /// answer. Otherwise the result is nil: the response is computed on the crypto pool and
    /// recorded from there, and `answer` gets the response frame once the record is durable
    /// (on the journal's thread), or the error frame (on a worker).
    func startUnblockPinOffline(
        _ frame: RequestFrame,
        connectionID: UInt64,
        answer: @escaping @Sendable (ByteBuffer) -> Void
    ) -> ByteBuffer? {
        let context = makeContext(frame, connectionID: connectionID)
        let started = ContinuousClock.now
        do {
            let request = try start(SelfService.UnblockPinOffline.self, frame, context)
            let plan = try planUnblock(request, context, started: started)
            try pool.submit { cipher in self.finishUnblock(plan, cipher: cipher, answer: answer) }
            return nil
        } catch {
            return self.answer(context, started: started, error: error)
        }
    }

    /// The checks that need neither the pool nor the disk, in the order that reveals nothing:
    /// a card that is not the caller's is NOT_FOUND before its challenge is even read.
    private func planUnblock(
        _ request: UnblockPinOfflineRequest,
        _ context: CallContext,
        started: ContinuousClock.Instant
    ) throws -> UnblockPlan {
        let caller = try authenticatedCaller(context).account
        let policy = configuration.unblockPolicy
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
        return UnblockPlan(
            caller: caller, card: card, challenge: challenge, challengeHash: challengeHash, context: context,
            started: started)
    }

    /// On a crypto worker: the response, then its record; the answer once that is durable.
    private func finishUnblock(
        _ plan: UnblockPlan,
        cipher: BlockCipher,
        answer: @escaping @Sendable (ByteBuffer) -> Void
    ) {
        let (context, started) = (plan.context, plan.started)
        do {
            try context.checkDeadline()
            let response = try adminKeyResponse(to: plan.challenge, card: plan.card, cipher: cipher)
            var encoded = ByteBuffer()
            encoded.writeResponseFrame(callID: context.callID, response: wireResponse(plan.card, response))
            let frame = encoded
            store.commit({ directory in try self.record(plan, in: directory) }) { outcome in
                switch outcome {
                case .success:
                    self.log(context, started: started, status: .ok)
                    answer(frame)
                case .failure(let error):
                    answer(self.answer(context, started: started, error: error))
                }
            }
        } catch {
            answer(self.answer(context, started: started, error: error))
        }
    }

    /// The record of an issued response, re-checked against the latest state: a concurrent
    /// call may have used the last response of the day or answered the same challenge meanwhile.
    private func record(_ plan: UnblockPlan, in directory: Directory) throws -> (mutations: [Mutation], result: Void) {
        let (card, caller, policy, now) = (plan.card, plan.caller, configuration.unblockPolicy, Timestamp.now)
        let current = directory.card(id: card.id)
        let owner = directory.account(id: caller.id) ?? caller
        let currentProfile = current.flatMap { directory.profile(named: $0.profile) }
        if let refusal = policy.checkAccess(caller: owner, card: current, profile: currentProfile)
            ?? current.flatMap({ policy.checkChallenge(plan.challengeHash, card: $0, now: now) })
        {
            throw refusal.status
        }
        let event = AuditEvent(
            at: now, actor: caller.username, action: "unblock-pin-offline", target: card.id.description,
            outcome: "success",
            detail: "serial=\(card.serial) keyVersion=\(card.key.version) kcv=\(HexFormat.plain(card.key.checkValue)) "
                + "challengeSHA256=\(HexFormat.plain(plan.challengeHash))"
        )
        return ([policy.recordingMutation(plan.challengeHash, on: current!, now: now), .audit(event)], ())
    }

    private func wireResponse(_ card: SmartCard, _ response: UnblockResponse) -> UnblockPinOfflineResponse {
        UnblockPinOfflineResponse(
            response: response.formatted, responseBytes: response.bytes, keyVersion: card.key.version,
            keyCheckValue: card.key.checkValue, cardID: card.id.description, serial: card.serial,
            keyAlgorithm: KeyAlgorithm(card.key.algorithm)
        )
    }

    /// Loads the card's admin key (unsealed or derived), checks it against its stored check
    /// value, and encrypts the challenge. Runs on a crypto worker.
    private func adminKeyResponse(to challenge: Challenge, card: SmartCard, cipher: BlockCipher) throws
        -> UnblockResponse
    {
        do {
            let key: AdminKey
            switch card.key.source {
            case .sealed(let sealed):
                key = try KeySealer(masterKey: store.masterKey).open(
                    sealed, algorithm: card.key.algorithm, cardID: card.id.description, keyVersion: card.key.version
                )
            case .derived:
                key = try AdminKeyDerivation.adminKey(
                    masterKey: store.masterKey, serial: card.serial, algorithm: card.key.algorithm)
            }
            // A wrong or corrupted key would burn the card's retry counter: refuse instead.
            try cipher.verify(key, keyCheckValue: card.key.checkValue)
            return try cipher.response(to: challenge, key: key)
        } catch {
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
