// ListCards, EnableProcess and DisableProcess.
import UnblockCore
import UnblockWire

extension SelfServiceProvider {
    func listCards(
        _ request: ListCardsRequest, _ caller: Caller, _ directory: any DirectoryView, _ context: CallContext
    ) throws -> ListCardsResponse {
        let owner: Account
        if request.username.isEmpty || request.username == caller.account.username {
            owner = caller.account
        } else {
            try caller.require(.readDirectory)
            owner = try directory.existingUser(named: request.username)
        }
        var cards = directory.cards(ownedBy: owner.id)
        if cards.count > 1 { cards.sort { $0.id < $1.id } }
        return ListCardsResponse(
            cards: cards.map { Card($0, owner: owner, profile: directory.profile(named: $0.profile)) })
    }

    func enableProcess(_ request: EnableProcessRequest, _ caller: Caller, _ context: CallContext) async throws
        -> EnableProcessResponse
    {
        let (changed, enabled) = try await setProcess(
            request.process, enabled: true, profile: request.profile, state: request.cardState, caller, context)
        return EnableProcessResponse(changed: changed, enabledProcesses: enabled)
    }

    func disableProcess(_ request: DisableProcessRequest, _ caller: Caller, _ context: CallContext) async throws
        -> DisableProcessResponse
    {
        let (changed, enabled) = try await setProcess(
            request.process, enabled: false, profile: request.profile, state: request.cardState, caller, context)
        return DisableProcessResponse(changed: changed, enabledProcesses: enabled)
    }

    /// Enables or disables a process on a profile for a card state: administrators only,
    /// idempotent, journaled and audited either way.
    private func setProcess(
        _ wireProcess: CardProcess,
        enabled: Bool,
        profile name: String,
        state wireState: CardState,
        _ caller: Caller,
        _ context: CallContext
    ) async throws -> (changed: Bool, enabled: [CardProcess]) {
        try caller.require(.administer)
        guard let process = SelfServiceProcess(wireProcess) else {
            throw RPCError(.invalidArgument, "name a process (PROCESS_UNBLOCK_PIN_OFFLINE)")
        }
        guard let state = SmartCard.State(wireState) else {
            throw RPCError(.invalidArgument, "name a card state (CARD_STATE_ACTIVE)")
        }
        if enabled, let reason = CardRules.cannotEnable(process, for: state) {
            throw RPCError(.invalidArgument, reason)
        }
        try context.checkDeadline()
        let now = Timestamp.now
        return try await store.commit { directory in
            guard var profile = directory.profile(named: name) else {
                throw RPCError(.notFound, "no card profile named \"\(name.prefix(200))\"")
            }
            let changed = profile.set(process, enabled: enabled, for: state)
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: enabled ? "enable-process" : "disable-process",
                target: profile.name, outcome: changed ? "success" : "unchanged",
                detail: "process=\(process.name) state=\(state) \(context.origin)"
            )
            let mutations: [Mutation] = changed ? [.profile(profile), .audit(event)] : [.audit(event)]
            return (mutations, (changed, profile.enabledProcesses(for: state).map(CardProcess.init)))
        }
    }
}
