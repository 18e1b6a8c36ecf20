// Replay refusal, the per-card rate limit, pruning of remembered responses, and login lockout.
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct UnblockPolicyTests {
    let policy = UnblockPolicy.defaults
    let start = Timestamp(milliseconds: 1_800_000_000_000)

    func hash(_ n: UInt8) -> SHA256Hash { SHA256Hash([UInt8](repeating: n, count: 32))! }

    /// Records a response the way the server does: through the directory.
    func recording(_ hash: SHA256Hash, on card: SmartCard, now: Timestamp) -> SmartCard {
        var directory = Directory(responseRetention: policy.maxRememberedResponses)
        directory.apply(.card(card))
        directory.apply(policy.recordingMutation(hash, on: card, now: now))
        return directory.card(id: card.id)!
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
            #expect(policy.checkChallenge(hash(UInt8(index)), card: card, now: now) == nil)
            card = recording(hash(UInt8(index)), on: card, now: now)
        }
        let later = start + .seconds(5 * 3_600)
        #expect(
            policy.checkChallenge(hash(9), card: card, now: later) == .rateLimited(retryAt: start + .seconds(86_400)))
        #expect(policy.checkChallenge(hash(9), card: card, now: start + .seconds(86_401)) == nil)
    }

    @Test func rememberedResponsesStayBounded() {
        var card = Fixtures.card(1, owner: 1)
        for index in 0..<500 {
            card = recording(hash(UInt8(index % 256)), on: card, now: start + .seconds(Int64(index)))
        }
        #expect(card.responses.count == policy.maxRememberedResponses)
        #expect(card.responses.last?.at == start + .seconds(499))
        // Entries older than the replay memory no longer count.
        #expect(policy.checkChallenge(hash(255), card: card, now: start + .seconds(40 * 86_400)) == nil)
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
        account = login.afterSuccess(account)
        #expect(account.failedLogins == 0 && account.lockouts == 0 && account.lockedUntil == nil)
    }

    @Test func lockoutNeverExceedsTheMaximum() {
        let login = LoginPolicy.defaults
        var account = Fixtures.account(1, "alice")
        for _ in 0..<200 { account = login.afterFailure(account, now: start) }
        #expect(account.lockedUntil! <= start + login.maxLockDuration)
    }
}
