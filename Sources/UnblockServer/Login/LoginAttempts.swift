// Password checks under way per account, so that a burst of guesses cannot outrun the lockout.
import Synchronization
import UnblockCore

/// Counts the logins of each account whose password is being checked.
///
/// An account takes a login only while its failures and the checks under way together stay
/// below the lockout's count: a burst sent at once gets no more guesses than the same
/// guesses sent one by one. Places are taken and given back inside the store's commits
/// (a `DirectoryStore` runs one commit's transaction at a time), so the failures a reservation
/// reads and the checks it counts never miss or double-count one that just finished.
package final class LoginAttempts: Sendable {
    package init() {}

    private let pending = Mutex(CountsByKey<AccountID>())

    /// A place held for one check; giving it back twice gives it back once.
    package final class Reservation: Sendable {
        fileprivate let account: AccountID
        private let attempts: LoginAttempts
        private let held = Atomic(true)

        fileprivate init(account: AccountID, attempts: LoginAttempts) {
            self.account = account
            self.attempts = attempts
        }

        package func release() {
            guard held.exchange(false, ordering: .acquiringAndReleasing) else { return }
            attempts.pending.withLock { $0.give(account) }
        }

        // A reservation whose commit failed after it was taken (a database store that lost its
        // connection) never reaches its caller: its place is given back as it goes.
        deinit { release() }
    }

    /// Reserves a place for one check of `account` if `admits` says that the account takes
    /// one more with `pending` checks already under way; nil when it does not.
    package func reserve(_ account: AccountID, admits: (_ pending: Int) -> Bool) -> Reservation? {
        pending.withLock { table in
            guard admits(table[account]), table.take(account, limit: .max) else { return nil }
            return Reservation(account: account, attempts: self)
        }
    }
}
