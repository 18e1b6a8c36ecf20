// The one-time code a login gives besides its password, checked against the account's sealed TOTP secret.
import UnblockCore
import UnblockCrypto
import UnblockWire

/// What a login needs besides its password, by the server's policy and the account's enrolment.
struct SecondFactorCheck: Sendable {
    let policy: SecondFactorPolicy
    let sealer: KeySealer

    /// The account as a login that passes leaves it (the code's step recorded: a code is good
    /// once), or why the login is refused. Only called once the password matched.
    func check(_ code: String, for account: Account, now: Timestamp) -> (passed: Account?, refusal: LoginRefusal?) {
        guard policy.asksForCodes else { return (account, nil) }
        guard let sealed = account.totpSecret else {
            return policy == .required ? (nil, .noSecondFactor) : (account, nil)
        }
        guard let secret = try? sealer.openTOTPSecret(sealed, accountID: account.id.rawValue) else {
            return (nil, .secondFactorUnreadable)
        }
        guard
            let step = TOTP.matchingStep(
                code, secret: secret, now: now.milliseconds / 1_000, after: account.totpLastStep)
        else { return (nil, .wrongOneTimeCode) }
        var checked = account
        checked.totpLastStep = step
        return (checked, nil)
    }
}
