// Who sees which card, who administers, and which actions a card offers now.

/// The authorization and visibility rules of the service, as pure functions.
public enum CardRules {
    /// Whether `caller` may list the cards of `owner`: their own, or anyone's for the help
    /// desk and administrators.
    public static func mayListCards(of owner: Account, caller: Account) -> Bool {
        caller.isActive && (caller.id == owner.id || AdminRules.may(caller, .readDirectory))
    }

    /// Whether `caller` may act on `card` in self-service: only an active owner with the
    /// self-service role. Anything else must look exactly like a card that does not exist.
    public static func mayUseCard(_ card: SmartCard, caller: Account) -> Bool {
        caller.isActive && caller.isSelfService && card.owner == caller.id
    }

    /// The processes the owner can start on `card` now: those enabled on its profile for its
    /// state, when the owner (active, with the self-service role) and the card are active.
    public static func possibleActions(
        card: SmartCard,
        owner: Account,
        profile: CardProfile?
    ) -> [SelfServiceProcess] {
        guard owner.isActive, owner.isSelfService, card.state == .active, let profile else { return [] }
        return profile.enabledProcesses(for: card.state)
    }

    /// Why a process cannot be enabled for `state`, or nil when it can.
    public static func cannotEnable(_ process: SelfServiceProcess, for state: SmartCard.State) -> String? {
        guard !process.allowedStates.contains(state) else { return nil }
        let allowed = process.allowedStates.map { "\($0)" }.sorted().joined(separator: ", ")
        return "process \(process.name) can only run on cards in state \(allowed), not \(state)"
    }
}
