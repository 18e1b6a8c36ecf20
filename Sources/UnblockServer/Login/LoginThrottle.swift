// How many password checks each client and each username has under way, against their limits.
import Synchronization

/// Counts the password checks under way per client and per username; a login that would go
/// over either limit is not checked at all.
final class LoginThrottle: Sendable {
    private struct Counts {
        var byClient = CountsByKey<ClientIdentity>()
        var byUsername = CountsByKey<String>()
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
            guard counts.byClient.take(client, limit: limits.maximumPerClient) else { return false }
            guard counts.byUsername.take(username, limit: limits.maximumPerUsername) else {
                counts.byClient.give(client)
                return false
            }
            return true
        }
        guard admitted else {
            throw RPCError(
                .resourceExhausted, "too many logins at once from this client or for this user; retry in a moment",
                reason: .serverBusy, retryAfterMilliseconds: 1_000)
        }
        defer {
            counts.withLock { counts in
                counts.byClient.give(client)
                counts.byUsername.give(username)
            }
        }
        return try await body()
    }
}
