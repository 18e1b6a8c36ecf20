// The local login method: the account's PBKDF2 password hash, checked on the crypto pool.
import UnblockCore
import UnblockCrypto

/// Checks passwords against the hashes the store keeps, on the crypto pool's password lane.
struct LocalPasswordVerifier: CredentialVerifier {
    let pool: CryptoPool
    /// A hash of no one's password, made with the cost most accounts' hashes have: checked
    /// when there is no account, so that a refusal takes as long as a wrong password.
    let decoyPasswordHash: String

    /// - Parameter iterations: the cost most stored hashes have (nil: the server's).
    init(pool: CryptoPool, decoyIterations iterations: Int?) throws {
        self.pool = pool
        self.decoyPasswordHash = try PasswordHasher(iterations: iterations ?? pool.passwordHasher.iterations)
            .hash("decoy password of no account")
    }

    func verify(
        _ secret: String, username: String, account: Account?, knownHere: Bool, deadline: ContinuousClock.Instant
    ) async throws -> CredentialCheck {
        // A check not yet started when the deadline passes never runs.
        let matches = try await pool.verifyPassword(
            secret, against: account?.passwordHash ?? decoyPasswordHash, deadline: deadline)
        guard matches, let account else { return .rejected }
        // A hash made with other iterations than the server's is made again: over time every
        // check costs the same.
        let rehashed =
            pool.passwordHasher.needsRehash(account.passwordHash) ? try await pool.hashPassword(secret) : nil
        return .accepted(updatedPasswordHash: rehashed)
    }
}
