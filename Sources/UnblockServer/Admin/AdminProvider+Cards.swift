// The cards: GetCard, SetCardState, ResetResponseLimit and TransferCard.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension AdminProvider {
    func getCard(_ request: GetCardRequest, _ caller: Caller, _ directory: any DirectoryView, _ context: CallContext)
        throws -> GetCardResponse
    {
        try caller.require(.readDirectory)
        let card = try directory.existingCard(serial: request.serial)
        return GetCardResponse(card: try details(card, in: directory, now: .now))
    }

    /// Suspending is the help desk's; making a card active or revoked the administrators'.
    /// Revoked is final.
    func setCardState(_ request: SetCardStateRequest, _ caller: Caller, _ context: CallContext) async throws
        -> CardChangeResponse
    {
        guard let state = SmartCard.State(request.state), state != .retired else {
            throw RPCError(
                .invalidArgument, "name the state: CARD_STATE_ACTIVE, CARD_STATE_SUSPENDED or CARD_STATE_REVOKED")
        }
        try caller.require(state == .suspended ? .suspendCard : .administer)
        return try await changeCard(request.serial, action: "set-card-state", caller, context) { card, _, _ in
            if card.state == .revoked && state != .revoked { throw Self.revoked(card) }
            var updated = card
            updated.state = state
            return (updated, "from=\(card.state) to=\(state)")
        }
    }

    /// Lets the card have its full number of responses again now; the challenges it answered
    /// stay refused.
    func resetResponseLimit(_ request: ResetResponseLimitRequest, _ caller: Caller, _ context: CallContext)
        async throws -> CardChangeResponse
    {
        try caller.require(.resetResponseLimit)
        let policy = configuration.unblockPolicy
        return try await changeCard(request.serial, action: "reset-response-limit", caller, context) {
            card, _, now in
            guard card.state != .revoked else { throw Self.revoked(card) }
            let counted = policy.responsesInWindow(card, now: now)
            var updated = card
            if counted > 0 { updated.responseLimitResetAt = now }
            return (updated, "counted=\(counted)")
        }
    }

    func transferCard(_ request: TransferCardRequest, _ caller: Caller, _ context: CallContext) async throws
        -> CardChangeResponse
    {
        try caller.require(.administer)
        return try await changeCard(request.serial, action: "transfer-card", caller, context) { card, directory, _ in
            guard card.state != .revoked else { throw Self.revoked(card) }
            let owner = try directory.existingUser(named: request.owner)
            let previous = directory.account(id: card.owner)?.username ?? card.owner.description
            var updated = card
            updated.owner = owner.id
            return (updated, "from=\(previous) to=\(owner.username)")
        }
    }

    // MARK: Shared steps

    /// Changes the card with serial `serial` in one commit with its audit event (written
    /// whether or not anything changed); `change` returns the card as it should be and what
    /// the audit says of it.
    private func changeCard(
        _ serial: String,
        action: String,
        _ caller: Caller,
        _ context: CallContext,
        _ change: @escaping @Sendable (SmartCard, any DirectoryView, Timestamp) throws -> (SmartCard, detail: String)
    ) async throws -> CardChangeResponse {
        try context.checkDeadline()
        let now = Timestamp.now
        return try await store.commit { [self] directory in
            let card = try directory.existingCard(serial: serial)
            let (updated, detail) = try change(card, directory, now)
            let changed = updated != card
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: action, target: card.id.description,
                outcome: changed ? "success" : "unchanged",
                detail: "serial=\(card.serial) \(detail) \(context.origin)")
            let mutations: [Mutation] = changed ? [.card(updated), .audit(event)] : [.audit(event)]
            return (
                mutations, CardChangeResponse(changed: changed, card: try details(updated, in: directory, now: now))
            )
        }
    }

    static func revoked(_ card: SmartCard) -> RPCError {
        RPCError(
            .failedPrecondition,
            "card \(card.serial) is revoked, which is final: nothing more can be done with it (register a new card)")
    }

    /// What the help desk sees of `card`: never a response or a key.
    func details(_ card: SmartCard, in directory: any DirectoryView, now: Timestamp) throws -> CardDetails {
        guard let owner = directory.account(id: card.owner) else {
            throw RPCError(.internal, "card \(card.id) has no owner")
        }
        let policy = configuration.unblockPolicy
        return CardDetails(
            card: Card(card, owner: owner, profile: directory.profile(named: card.profile)),
            recentResponses: card.responses.suffix(100).reversed().map { response in
                ResponseRecord(
                    atUnixMilliseconds: UInt64(response.at.milliseconds), keyVersion: response.keyVersion,
                    challengeHashPrefix: HexFormat.plain(Array(response.challengeHash.bytes.prefix(4))))
            },
            responsesInWindow: UInt32(clamping: policy.responsesInWindow(card, now: now)),
            responseLimit: UInt32(clamping: policy.maxResponsesPerWindow),
            responseLimitResetUnixMilliseconds: card.responseLimitResetAt.map { UInt64($0.milliseconds) } ?? 0,
            keyCheckValue: card.key.checkValue)
    }
}
