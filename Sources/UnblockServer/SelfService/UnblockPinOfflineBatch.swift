// UnblockPinOffline: the response to a blocked card's challenge, for its owner only, recorded before it is returned.
import Logging
import UnblockCore
import UnblockCrypto
import UnblockWire

/// The method `UnblockPinOffline`, batched: the checks on the event loop, then for a batch of
/// calls each response on a crypto worker and one commit recording them all (one lock, one
/// journal record, one wait for the disk).
struct UnblockPinOfflineBatch: BatchedMethod {
    typealias Method = SelfService.UnblockPinOffline

    let store: any DirectoryStore
    /// Seals and derives the admin keys.
    let masterKeys: MasterKeys
    let policy: UnblockPolicy
    let logger: Logger

    /// What the checks before the cipher established for one call. A class: a plan passes
    /// through a batch, a pool job and a commit, and is copied at each step.
    final class Plan: Sendable {
        let caller: Account
        /// The card as checked, without its history of responses: holding that would make the
        /// commit that appends to it copy it.
        let card: IssuingCard
        let challenge: Challenge
        let challengeHash: SHA256Hash
        let context: CallContext

        init(caller: Account, card: SmartCard, challenge: Challenge, challengeHash: SHA256Hash, context: CallContext) {
            self.caller = caller
            self.card = IssuingCard(id: card.id, serial: card.serial, key: card.key)
            self.challenge = challenge
            self.challengeHash = challengeHash
            self.context = context
        }
    }

    /// What answering and recording a response needs of its card.
    struct IssuingCard: Sendable {
        let id: CardID
        let serial: String
        let key: AdminKeyRecord
    }

    /// The checks that need neither the pool nor the disk, in the order that reveals nothing:
    /// a card that is not the caller's is NOT_FOUND before its challenge is even read. Every
    /// refusal is a security event, logged at info (never the challenge).
    func plan(
        _ request: UnblockPinOfflineRequest, caller: Caller, view directory: any DirectoryView, context: CallContext
    ) throws -> Plan {
        do {
            return try checkedPlan(request, caller: caller, view: directory, context: context)
        } catch {
            let status = (error as? RPCError) ?? RPCError(.invalidArgument, "\(error)")
            let card: String =
                switch request.card {
                case .cardID(let id): id
                case .serial(let serial): serial
                case nil: "-"
                }
            logger.info(
                "unblock refused",
                metadata: [
                    "user": "\(caller.account.username)", "card": "\(card.prefix(64))", "status": "\(status.code)",
                    "reason": "\(status.message)", "origin": "\(context.origin)",
                ])
            throw error
        }
    }

    private func checkedPlan(
        _ request: UnblockPinOfflineRequest, caller: Caller, view directory: any DirectoryView, context: CallContext
    ) throws -> Plan {
        let card: SmartCard? =
            switch request.card {
            case .cardID(let text): CardID(text).flatMap { directory.card(id: $0) }
            case .serial(let serial): directory.card(serial: serial)
            case nil: throw RPCError(.invalidArgument, "name the card by card_id or serial")
            }
        let profile = card.flatMap { directory.profile(named: $0.profile) }
        if let refusal = policy.checkAccess(caller: caller.account, card: card, profile: profile) {
            throw refusal.status
        }
        let challenge: Challenge
        do {
            challenge = try Challenge(text: request.challenge, algorithm: card!.key.algorithm)
        } catch {
            throw RPCError(.invalidArgument, error.message)
        }
        let challengeHash = SHA256Hash(digesting: Array(card!.id.description.utf8) + challenge.bytes)
        if let refusal = policy.checkChallenge(challengeHash, card: card!, now: .now) { throw refusal.status }
        return Plan(
            caller: caller.account, card: card!, challenge: challenge, challengeHash: challengeHash, context: context)
    }

    /// For a batch of calls on a crypto worker: each response, then one commit recording them
    /// all. `completion` gets one outcome per plan, in order: once the record is durable (on
    /// the journal's thread), or at once when none is left to record.
    func finish(
        _ plans: [Plan],
        cipher: BlockCipher,
        completion: @escaping @Sendable ([Result<UnblockPinOfflineResponse, any Error>]) -> Void
    ) {
        let now = Timestamp.now
        var outcomes = [Result<UnblockPinOfflineResponse, any Error>](
            repeating: .failure(RPCError(.internal, "not answered")), count: plans.count)
        var issued: [IssuedCall] = []
        issued.reserveCapacity(plans.count)
        var cards = Set<CardID>(minimumCapacity: plans.count)
        var namedAgain = Set<CardID>()
        for (index, plan) in plans.enumerated() {
            do {
                try plan.context.checkDeadline()
                let response = try adminKeyResponse(to: plan.challenge, card: plan.card, cipher: cipher)
                // Everything that does not depend on the latest state is built before the commit.
                issued.append(
                    IssuedCall(
                        index: index, plan: plan, response: wireResponse(plan.card, response),
                        event: auditEvent(plan, at: now)))
                if !cards.insert(plan.card.id).inserted { namedAgain.insert(plan.card.id) }
            } catch {
                outcomes[index] = .failure(error)
            }
        }
        guard !issued.isEmpty else { return completion(outcomes) }
        let ready = issued
        let refusedBeforeCommit = outcomes
        store.commit({ [namedAgain] directory in
            try self.record(ready, namedAgain: namedAgain, at: now, in: directory)
        }) { outcome in
            var outcomes = refusedBeforeCommit
            for call in ready {
                switch outcome {
                case .success(let refusals):
                    outcomes[call.index] = refusals[call.index].map { .failure($0) } ?? .success(call.response)
                case .failure(let error):
                    outcomes[call.index] = .failure(error)
                }
            }
            completion(outcomes)
        }
    }

    /// A call whose response is ready, on its way to be recorded. A struct rather than a
    /// tuple: arrays of tuples are copied and destroyed through generic value witnesses.
    struct IssuedCall: Sendable {
        /// Its place in the batch.
        let index: Int
        let plan: Plan
        /// The answer, returned once the record is durable.
        let response: UnblockPinOfflineResponse
        let event: AuditEvent
    }

    /// The records of issued responses, each re-checked against the latest state and the
    /// calls before it in the batch: a concurrent call may have used the last response of
    /// the day or answered the same challenge meanwhile. Refused calls map to their reason.
    /// `namedAgain`: the cards more than one call of the batch names.
    private func record(
        _ calls: [IssuedCall],
        namedAgain: Set<CardID>,
        at now: Timestamp,
        in directory: any DirectoryView
    ) throws -> (mutations: [Mutation], result: [Int: any Error]) {
        var mutations: [Mutation] = []
        mutations.reserveCapacity(calls.count * 2)
        var refusals: [Int: any Error] = [:]
        // A card named by several calls of the batch is kept as the batch leaves it, so that
        // its later calls see the earlier ones: copied once, then updated in place.
        var touched: [CardID: SmartCard] = [:]
        for call in calls {
            let (plan, card, caller) = (call.plan, call.plan.card, call.plan.caller)
            let current = touched[card.id] ?? directory.card(id: card.id)
            let owner = directory.account(id: caller.id) ?? caller
            let currentProfile = current.flatMap { directory.profile(named: $0.profile) }
            if let refusal = policy.checkAccess(caller: owner, card: current, profile: currentProfile)
                ?? current.flatMap({ policy.checkChallenge(plan.challengeHash, card: $0, now: now) })
            {
                refusals[call.index] = refusal.status
                continue
            }
            let recording = policy.recordingMutation(plan.challengeHash, on: current!, now: now)
            if namedAgain.contains(card.id), case .responseIssued(_, let response) = recording {
                var updated = touched.removeValue(forKey: card.id) ?? current!
                updated.remember(response)
                touched[card.id] = updated
            }
            mutations.append(recording)
            mutations.append(.audit(call.event))
        }
        return (mutations, refusals)
    }

    private func auditEvent(_ plan: Plan, at now: Timestamp) -> AuditEvent {
        let card = plan.card
        // Appended into one reserved string: interpolation grew it several times per call.
        var detail = "serial="
        detail.reserveCapacity(180)
        detail += card.serial
        detail += " keyVersion="
        detail += String(card.key.version)
        detail += " kcv="
        detail += HexFormat.plain(card.key.checkValue)
        detail += " challengeSHA256="
        detail += HexFormat.plain(plan.challengeHash.bytes)
        detail += " "
        detail += plan.context.origin
        return AuditEvent(
            at: now, actor: plan.caller.username, action: "unblock-pin-offline", target: card.id.description,
            outcome: "success", detail: detail)
    }

    private func wireResponse(_ card: IssuingCard, _ response: UnblockResponse) -> UnblockPinOfflineResponse {
        UnblockPinOfflineResponse(
            response: response.formatted, responseBytes: response.bytes, keyVersion: card.key.version,
            keyCheckValue: card.key.checkValue, cardID: card.id.description, serial: card.serial,
            keyAlgorithm: KeyAlgorithm(card.key.algorithm)
        )
    }

    /// Loads the card's admin key (unsealed or derived, or already open on this worker),
    /// checks it against its stored check value, and encrypts the challenge. Runs on a crypto worker.
    private func adminKeyResponse(to challenge: Challenge, card: IssuingCard, cipher: BlockCipher) throws
        -> UnblockResponse
    {
        let derived: Bool
        let material: [UInt8]
        switch card.key.source {
        case .sealed(let sealed): (derived, material) = (false, sealed)
        case .derived: (derived, material) = (true, Array(card.serial.utf8))
        }
        let source = OpenedKeyCache.Source(
            algorithm: card.key.algorithm, cardID: card.id.description, keyVersion: card.key.version,
            material: material, derived: derived, checkValue: card.key.checkValue)
        do {
            let key = try cipher.openedKeys.key(for: source) { () throws(CryptoError) in
                let key =
                    derived
                    ? try AdminKeyDerivation.adminKey(
                        masterKey: masterKeys.derivation, serial: card.serial, algorithm: card.key.algorithm)
                    : try KeySealer(masterKeys).open(
                        material, algorithm: card.key.algorithm, cardID: source.cardID, keyVersion: card.key.version)
                // A wrong or corrupted key would burn the card's retry counter: refuse instead.
                try cipher.verify(key, keyCheckValue: card.key.checkValue)
                return key
            }
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
                .failedPrecondition, "this card is \(state); only active cards can be unblocked, contact the help desk",
                reason: .cardNotActive)
        case .processNotEnabled(let profile):
            return RPCError(
                .failedPrecondition,
                "Unblock PIN offline is not enabled for cards of profile \"\(profile)\"; ask an administrator to enable it",
                reason: .processNotEnabled)
        case .alreadyAnswered:
            return RPCError(
                .failedPrecondition,
                "this challenge was already answered for this card; start the unblock again on the PC for a new challenge",
                reason: .challengeAlreadyAnswered)
        case .rateLimited(let retryAt):
            let wait = max(0, retryAt.milliseconds - Timestamp.now.milliseconds)
            return RPCError(
                .resourceExhausted,
                "this card has had all the responses it may have for now; try again \(Self.spoken(wait))",
                reason: .cardResponseLimit, retryAfterMilliseconds: UInt32(clamping: wait))
        }
    }

    /// A wait as people say it, rounded up: "in 5 minutes", "in 24 hours".
    static func spoken(_ milliseconds: Int64) -> String {
        let minutes = max(1, (milliseconds + 59_999) / 60_000)
        if minutes < 60 { return minutes == 1 ? "in a minute" : "in \(minutes) minutes" }
        let hours = (minutes + 59) / 60
        return hours == 1 ? "in an hour" : "in \(hours) hours"
    }
}
