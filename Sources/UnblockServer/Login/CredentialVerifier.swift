// How a login's secret is checked: one verifier per login method (a local password today).
import UnblockCore

/// Checks the secret a login presents, for one login method.
///
/// A verifier never tells apart, by its answer or its time, an account that does not exist
/// or may not log in from a wrong secret: for those it is called without an account and
/// spends what a real check spends.
protocol CredentialVerifier: Sendable {
    /// Checks `secret` against `account`. With no account, spends a check's time and rejects
    /// when the user is `knownHere` (inactive, locked), and asks the organisation's directory
    /// (if there is one) about `username` when not. Past `deadline` the wait ends with
    /// DEADLINE_EXCEEDED; a directory that does not answer is UNAVAILABLE, never a rejection.
    func verify(
        _ secret: String, username: String, account: Account?, knownHere: Bool, deadline: ContinuousClock.Instant
    ) async throws -> CredentialCheck
}

/// What the organisation's directory says of a user whose password it accepted.
struct DirectoryUser: Sendable, Equatable {
    let displayName: String?
    let roles: Roles
    let isDisabled: Bool
}

/// A verifier's answer.
enum CredentialCheck: Sendable, Equatable {
    /// The secret is right; `updatedPasswordHash`: the hash to store instead of the account's
    /// (made again with the server's cost, now that the password is known).
    case accepted(updatedPasswordHash: String?)
    /// The organisation's directory accepted the password: the account is made or brought up
    /// to date with what it says.
    case vouched(DirectoryUser)
    case rejected
}

/// Why a login was refused, as the audit records it (the caller is told none of these).
enum LoginRefusal: String, Sendable {
    case unknownUser = "unknown user"
    case inactiveAccount = "inactive account"
    case accountLocked = "account locked"
    /// Not locked yet, but the checks under way could lock it: this one was not made.
    case failuresUnderWay = "as many checks under way as failures allowed"
    case wrongPassword = "wrong password"
    /// The password was right; the one-time code was wrong, or already used.
    case wrongOneTimeCode = "wrong one-time code"
    /// The policy requires a second factor and the account has none enrolled.
    case noSecondFactor = "no second factor enrolled"
    /// The account's sealed secret does not open (another master key, or damage).
    case secondFactorUnreadable = "second factor secret does not open"

    /// Whether the refusal counts toward the lockout: a wrong guess of what only the user knows.
    var isFailedGuess: Bool { self == .wrongPassword || self == .wrongOneTimeCode }
}
