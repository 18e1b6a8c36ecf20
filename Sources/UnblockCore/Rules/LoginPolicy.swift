// Account lockout after repeated failed logins, doubling with each lockout.

/// When accounts lock, and for how long.
public struct LoginPolicy: Sendable, Equatable {
    /// Consecutive failures that lock the account.
    public var maxConsecutiveFailures: UInt32
    /// Length of the first lockout; each further consecutive lockout doubles it.
    public var lockDuration: Duration
    /// The longest a lockout can last.
    public var maxLockDuration: Duration

    /// 5 failures lock for 15 minutes, doubling up to 24 hours (NIST SP 800-63B allows up to 100).
    public static var defaults: LoginPolicy {
        LoginPolicy(maxConsecutiveFailures: 5, lockDuration: .seconds(900), maxLockDuration: .seconds(86_400))
    }

    public init(maxConsecutiveFailures: UInt32, lockDuration: Duration, maxLockDuration: Duration) {
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.lockDuration = lockDuration
        self.maxLockDuration = maxLockDuration
    }

    /// Whether `account` is locked at `now`.
    public func isLocked(_ account: Account, now: Timestamp) -> Bool {
        account.lockedUntil.map { now < $0 } ?? false
    }

    /// The account after a failed login at `now`: counted, and locked when the count is reached.
    public func afterFailure(_ account: Account, now: Timestamp) -> Account {
        var account = account
        account.failedLogins += 1
        if account.failedLogins >= maxConsecutiveFailures {
            let factor = Int64(1) << Int64(min(account.lockouts, 20))
            let lock = min(lockDuration.wholeMilliseconds * factor, maxLockDuration.wholeMilliseconds)
            account.lockedUntil = Timestamp(milliseconds: now.milliseconds + lock)
            account.lockouts += 1
            account.failedLogins = 0
        }
        return account
    }

    /// The account after a successful login at `now`: counters cleared, the login recorded.
    public func afterSuccess(_ account: Account, at now: Timestamp) -> Account {
        var account = unlocked(account)
        account.lastLoginAt = now
        return account
    }

    /// The account with its lockout lifted and its counters cleared (the help desk's unlock).
    public func unlocked(_ account: Account) -> Account {
        var account = account
        account.failedLogins = 0
        account.lockouts = 0
        account.lockedUntil = nil
        return account
    }

    /// Whether `unlocked` would change `account`.
    public func hasFailures(_ account: Account) -> Bool {
        account.failedLogins > 0 || account.lockouts > 0 || account.lockedUntil != nil
    }
}
