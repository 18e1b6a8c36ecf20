// Login sessions kept where several nodes see them: a hash of each token, never the token.

/// A login session as a shared table holds it.
public struct SessionRecord: Sendable, Equatable {
    public var tokenHash: SHA256Hash
    public var accountID: AccountID
    public var username: String
    public var expiresAt: Timestamp
    public var lastUsed: Timestamp
    /// The session may only enrol a second factor.
    public var enrollmentOnly: Bool

    public init(
        tokenHash: SHA256Hash, accountID: AccountID, username: String, expiresAt: Timestamp, lastUsed: Timestamp,
        enrollmentOnly: Bool
    ) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.username = username
        self.expiresAt = expiresAt
        self.lastUsed = lastUsed
        self.enrollmentOnly = enrollmentOnly
    }
}

/// Sessions that ended on another node.
public enum EndedSessions: Sendable, Equatable {
    case session(SHA256Hash)
    case account(AccountID)
    /// Some may have ended unannounced (the notifications were interrupted): forget every
    /// session held in memory; they are read again when used.
    case unknown
}

/// The sessions of several nodes, in the store they share.
public protocol SessionRecords: Sendable {
    /// Records `session`, then ends the account's least recently used sessions beyond `keepingPerAccount`.
    func insert(_ session: SessionRecord, keepingPerAccount: Int) async throws
    /// The session whose token has this hash, if any (expired or not).
    func session(_ tokenHash: SHA256Hash) async throws -> SessionRecord?
    /// Records the last uses of sessions (so that one in use on any node does not idle out).
    func touch(_ lastUses: [SHA256Hash: Timestamp]) async throws
    /// Ends a session on every node.
    func remove(_ tokenHash: SHA256Hash) async throws
    /// Ends every session of `account` on every node.
    func removeSessions(of account: AccountID) async throws
    /// Calls `handler` with the sessions other nodes end.
    func onEnded(_ handler: @escaping @Sendable (EndedSessions) -> Void)
}
