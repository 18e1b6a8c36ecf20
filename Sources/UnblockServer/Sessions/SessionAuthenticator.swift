// Who makes a call: its session's account, read with the rest of the call's reads.
import UnblockCore
import UnblockWire

/// Resolves a call's session to its caller, as one step of the executor: the services get a
/// `Caller`, never a session token to check.
package struct SessionAuthenticator: Sendable {
    let sessions: any SessionTable
    let store: any DirectoryStore

    package init(sessions: any SessionTable, store: any DirectoryStore) {
        self.sessions = sessions
        self.store = store
    }

    /// Runs `body` with the caller and the directory, in one read that completes at once;
    /// UNAUTHENTICATED when there is no live session or its account was deactivated since
    /// login (the session then ends). Only when `store.readsImmediately`.
    func withCallerNow<Result>(_ call: Call, _ body: (Caller, any DirectoryView) throws -> Result) throws -> Result {
        let session = try session(of: call)
        let result: Result? = try store.readNow { view in
            try Self.caller(session, call, in: view).map { try body($0, view) }
        }
        return try found(result, call)
    }

    /// Like `withCallerNow`, for stores whose reads wait.
    func withCaller<Result: Sendable>(
        _ call: Call, _ body: @Sendable (Caller, any DirectoryView) throws -> Result
    ) async throws -> Result {
        let session = try session(of: call)
        let result: Result? = try await store.read { view in
            try Self.caller(session, call, in: view).map { try body($0, view) }
        }
        return try found(result, call)
    }

    /// The caller alone, for calls that go on to commit.
    func caller(of call: Call) async throws -> Caller {
        try await withCaller(call) { caller, _ in caller }
    }

    /// What a session for enrolment only may call.
    static let enrollmentMethods: Set<String> = [
        SelfService.BeginSecondFactorEnrollment.name, SelfService.ConfirmSecondFactorEnrollment.name,
        SelfService.Logout.name,
    ]

    private func session(of call: Call) throws -> Session {
        guard let session = sessions.session(for: call.sessionToken, now: .now) else { throw RPCError.unauthenticated }
        guard !session.enrollmentOnly || Self.enrollmentMethods.contains(call.method) else {
            throw RPCError(
                .permissionDenied,
                "this session may only enrol an authenticator app (BeginSecondFactorEnrollment, then "
                    + "ConfirmSecondFactorEnrollment); then log in again with its code")
        }
        return session
    }

    private static func caller(_ session: Session, _ call: Call, in view: any DirectoryView) -> Caller? {
        guard let account = view.account(id: session.accountID), account.isActive else { return nil }
        return Caller(account: account, sessionToken: call.sessionToken, enrollmentOnly: session.enrollmentOnly)
    }

    private func found<Result>(_ result: Result?, _ call: Call) throws -> Result {
        guard let result else {
            sessions.remove(token: call.sessionToken)
            throw RPCError.unauthenticated
        }
        return result
    }
}
