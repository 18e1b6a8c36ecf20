// Replay refusal, the per-card rate limit, pruning of remembered responses, and login lockout.
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct UnblockPolicyTests {
    let policy = UnblockPolicy.defaults
    let start = Timestamp(milliseconds: 1_800_000_000_000)

    /// Records a response the way the server does: through the directory.
    func recording(_ hash: SHA256Hash, on card: SmartCard, now: Timestamp, policy: UnblockPolicy = .defaults)
        -> SmartCard
    {
        var directory = Directory()
        directory.apply(.card(card))
        directory.apply(policy.recordingMutation(hash, on: card, now: now))
        return directory.card(id: card.id)!
    }

    func hash(_ n: Int) -> SHA256Hash {
        SHA256Hash((0..<32).map { UInt8(truncatingIfNeeded: n >> (8 * ($0 % 4))) })!
    }

    @Test func aRepeatedChallengeIsRefused() {
        var card = Fixtures.card(1, owner: 1)
        #expect(policy.checkChallenge(hash(1), card: card, now: start) == nil)
        card = recording(hash(1), on: card, now: start)
        #expect(policy.checkChallenge(hash(1), card: card, now: start + .seconds(60)) == .alreadyAnswered)
        #expect(policy.checkChallenge(hash(2), card: card, now: start + .seconds(60)) == nil)
        // Replays are remembered for 30 days, then forgotten.
        #expect(policy.checkChallenge(hash(1), card: card, now: start + .seconds(29 * 86_400)) == .alreadyAnswered)
        #expect(policy.checkChallenge(hash(1), card: card, now: start + .seconds(31 * 86_400)) == nil)
    }

    @Test func theSixthResponseInADayIsRateLimitedUntilTheFirstAges() {
        var card = Fixtures.card(1, owner: 1)
        for index in 0..<5 {
            let now = start + .seconds(Int64(index) * 3_600)
            #expect(policy.checkChallenge(hash(index), card: card, now: now) == nil)
            card = recording(hash(index), on: card, now: now)
        }
        let later = start + .seconds(5 * 3_600)
        #expect(
            policy.checkChallenge(hash(9), card: card, now: later) == .rateLimited(retryAt: start + .seconds(86_400)))
        #expect(policy.checkChallenge(hash(9), card: card, now: start + .seconds(86_401)) == nil)
    }

    @Test func aHigherDailyLimitStillLimitsAndStillRefusesReplays() {
        // At 150 a day, the card once remembered only its last 100 responses: the limit never
        // counted more than 100, and the first challenge could be answered again.
        let policy = UnblockPolicy(maxResponsesPerWindow: 150, window: .seconds(86_400))
        var card = Fixtures.card(1, owner: 1)
        var answered = 0
        for index in 0..<200 {
            let now = start + .seconds(Int64(index) * 60)
            guard policy.checkChallenge(hash(index), card: card, now: now) == nil else { continue }
            card = recording(hash(index), on: card, now: now, policy: policy)
            answered += 1
        }
        #expect(answered == 150)
        #expect(policy.checkChallenge(hash(0), card: card, now: start + .seconds(2 * 86_400)) == .alreadyAnswered)
    }

    @Test func aChallengeIsRefusedForThirtyDaysAtTheDefaultLimit() {
        // Five a day for 29 days: 145 responses, more than the 100 a card once kept (20 days' worth).
        var card = Fixtures.card(1, owner: 1)
        for day in 0..<29 {
            for slot in 0..<5 {
                let now = start + .seconds(Int64(day) * 86_400 + Int64(slot) * 3_600)
                #expect(policy.checkChallenge(hash(day * 5 + slot), card: card, now: now) == nil)
                card = recording(hash(day * 5 + slot), on: card, now: now)
            }
        }
        let lastDay = start + .seconds(29 * 86_400 - 60)
        #expect(policy.checkChallenge(hash(0), card: card, now: lastDay) == .alreadyAnswered)
        // Past the 30 days the challenge is forgotten, and so is what the card kept of it.
        #expect(policy.checkChallenge(hash(0), card: card, now: start + .seconds(31 * 86_400)) == nil)
        card = recording(hash(999), on: card, now: start + .seconds(31 * 86_400))
        #expect(card.responses.allSatisfy { $0.at > start + .seconds(86_400) })
    }

    @Test func loginLockoutDoublesAndSuccessClears() {
        let login = LoginPolicy.defaults
        var account = Fixtures.account(1, "alice")
        for _ in 0..<4 { account = login.afterFailure(account, now: start) }
        #expect(!login.isLocked(account, now: start))
        account = login.afterFailure(account, now: start)
        #expect(login.isLocked(account, now: start + .seconds(899)))
        #expect(!login.isLocked(account, now: start + .seconds(900)))
        for _ in 0..<5 { account = login.afterFailure(account, now: start + .seconds(900)) }
        #expect(login.isLocked(account, now: start + .seconds(900 + 1_799)))
        #expect(!login.isLocked(account, now: start + .seconds(900 + 1_800)))
        account = login.afterSuccess(account, at: Timestamp(milliseconds: 1))
        #expect(account.failedLogins == 0 && account.lockouts == 0 && account.lockedUntil == nil)
        #expect(account.lastLoginAt == Timestamp(milliseconds: 1))
    }

    @Test func lockoutNeverExceedsTheMaximum() {
        let login = LoginPolicy.defaults
        var account = Fixtures.account(1, "alice")
        for _ in 0..<200 { account = login.afterFailure(account, now: start) }
        #expect(account.lockedUntil! <= start + login.maxLockDuration)
    }
}
