// The places of password checks under way: given back once, and by a reservation that never reached its caller.
import Testing
import UnblockCore
import UnblockServer

@Suite struct LoginAttemptsTests {
    @Test func aPlaceIsGivenBackOnceAndByAReservationDroppedUnused() {
        let attempts = LoginAttempts()
        let account = AccountID(7)
        var seen: [Int] = []
        let first = attempts.reserve(account) { pending in
            seen.append(pending)
            return true
        }
        _ = attempts.reserve(account) { pending in
            seen.append(pending)
            return true
        }  // dropped at once: a commit that failed after taking it
        first?.release()
        first?.release()
        _ = attempts.reserve(account) { pending in
            seen.append(pending)
            return false
        }
        #expect(seen == [0, 1, 0])
    }
}
