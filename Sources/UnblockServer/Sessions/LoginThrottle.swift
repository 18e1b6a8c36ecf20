// How many password checks each client and each username has under way, against their limits.
import Synchronization

/// Counts the password checks under way per client and per username; a login that would go
/// over either limit is not checked at all.
final class LoginThrottle: Sendable {
    private struct Counts {
        var byClient: [ClientIdentity: Int] = [:]
        var byUsername: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())
    private let limits: ServerConfiguration.Logins

    init(limits: ServerConfiguration.Logins) {
        self.limits = limits
    }

    /// Counts one check for `client` and `username` and runs `body`; the check is given back
    /// when `body` returns or throws.
    /// - Throws: `RPCError` RESOURCE_EXHAUSTED (server busy) when either limit is reached.
    func withCheck<Result>(client: ClientIdentity, username: String, _ body: () async throws -> Result)
        async throws -> Result
    {
        let admitted = counts.withLock { counts in
            guard counts.byClient[client, default: 0] < limits.maximumPerClient,
                counts.byUsername[username, default: 0] < limits.maximumPerUsername
            else { return false }
            counts.byClient[client, default: 0] += 1
            counts.byUsername[username, default: 0] += 1
            return true
        }
        guard admitted else {
            throw RPCError(
                .resourceExhausted, "too many logins at once from this client or for this user; retry in a moment",
                reason: .serverBusy, retryAfterMilliseconds: 1_000)
        }
        defer {
            counts.withLock { counts in
                Self.decrement(&counts.byClient, client)
                Self.decrement(&counts.byUsername, username)
            }
        }
        return try await body()
    }

    private static func decrement<Key>(_ table: inout [Key: Int], _ key: Key) {
        let count = table[key, default: 1] - 1
        table[key] = count > 0 ? count : nil
    }
}
