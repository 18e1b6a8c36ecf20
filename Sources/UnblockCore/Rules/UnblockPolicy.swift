// Whether a response may be issued for a card now: ownership, state, enabled process, replay and rate limit.

/// Why a response is refused, in the order the checks run.
public enum UnblockRefusal: Equatable, Sendable {
    /// No such card, the caller does not own it, or the caller is not active (indistinguishable).
    case notFound
    /// The card is not active.
    case cardNotActive(SmartCard.State)
    /// The process is not enabled on the card's profile for its state.
    case processNotEnabled(profile: String)
    /// This challenge was already answered for this card.
    case alreadyAnswered
    /// The card's response limit for the window is reached; retry at the given time.
    case rateLimited(retryAt: Timestamp)
}

/// The rules for issuing unblock responses.
public struct UnblockPolicy: Sendable, Equatable {
    /// Responses allowed per card within `window` (at most `maximumResponsesPerWindow`).
    public var maxResponsesPerWindow: Int
    public var window: Duration

    /// The largest `maxResponsesPerWindow` the cards' memory of answered challenges is sized
    /// for (`SmartCard.maximumRememberedResponses` over 30 days).
    public static let maximumResponsesPerWindow = 1_000

    /// 5 responses per card per 24 hours; a challenge answered once is refused for 30 days
    /// (`SmartCard.responseMemory`).
    public static var defaults: UnblockPolicy {
        UnblockPolicy(maxResponsesPerWindow: 5, window: .seconds(86_400))
    }

    public init(maxResponsesPerWindow: Int, window: Duration) {
        precondition((1...Self.maximumResponsesPerWindow).contains(maxResponsesPerWindow))
        self.maxResponsesPerWindow = maxResponsesPerWindow
        self.window = window
    }

    /// Checks ownership, card state and the enabled process: everything that does not
    /// depend on the challenge. Runs before the challenge is even parsed, so that a caller
    /// learns nothing about a card that is not theirs.
    public func checkAccess(
        caller: Account,
        card: SmartCard?,
        profile: CardProfile?
    ) -> UnblockRefusal? {
        guard let card, CardRules.mayUseCard(card, caller: caller) else { return .notFound }
        guard card.state == .active else { return .cardNotActive(card.state) }
        guard let profile, profile.isEnabled(.unblockPinOffline, for: card.state) else {
            return .processNotEnabled(profile: card.profile)
        }
        return nil
    }

    /// Checks replay and the rate limit for a challenge (by its hash) at `now`.
    public func checkChallenge(_ challengeHash: SHA256Hash, card: SmartCard, now: Timestamp) -> UnblockRefusal? {
        // One pass, thresholds computed once: this runs on every call, over every remembered response.
        let replayHorizon = now - SmartCard.responseMemory
        let windowStart = windowStart(of: card, now: now)
        var inWindow = 0
        var oldestInWindow: Timestamp?
        for response in card.responses {
            if response.at > replayHorizon && response.challengeHash == challengeHash { return .alreadyAnswered }
            if response.at > windowStart {
                inWindow += 1
                if oldestInWindow == nil { oldestInWindow = response.at }
            }
        }
        if inWindow >= maxResponsesPerWindow, let oldest = oldestInWindow {
            return .rateLimited(retryAt: oldest + window)
        }
        return nil
    }

    /// Responses issued after this time count toward the card's limit: the window, or the
    /// help desk's last reset if later.
    public func windowStart(of card: SmartCard, now: Timestamp) -> Timestamp {
        max(now - window, card.responseLimitResetAt ?? Timestamp(milliseconds: 0))
    }

    /// How many of the card's responses count toward its limit at `now`.
    public func responsesInWindow(_ card: SmartCard, now: Timestamp) -> Int {
        let start = windowStart(of: card, now: now)
        return card.responses.reduce(0) { $0 + ($1.at > start ? 1 : 0) }
    }

    /// The mutation that remembers a newly issued response; the card keeps it for
    /// `SmartCard.responseMemory`.
    public func recordingMutation(_ challengeHash: SHA256Hash, on card: SmartCard, now: Timestamp) -> Mutation {
        .responseIssued(card.id, IssuedResponse(challengeHash: challengeHash, at: now, keyVersion: card.key.version))
    }

}
