// The cost most stored password hashes have, which the decoy for logins without an account copies.
import UnblockCore
import UnblockCrypto

extension Directory {
    /// The iteration count most of the accounts' password hashes were made with (the larger
    /// on a tie); nil without accounts. A login refused without an account checks a decoy
    /// made with it, so that it takes what checking a real account's password takes.
    public var mostCommonPasswordIterations: Int? {
        var counts: [Int: Int] = [:]
        for account in accounts.values {
            if let iterations = PasswordHasher.iterations(of: account.passwordHash) {
                counts[iterations, default: 0] += 1
            }
        }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }
}
