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
    /// - Throws: `SessionNotHeld` when the sessions are shared and this node does not hold the
    ///   call's (`load(of:)` it, then call again).
    func withCallerNow<Result>(_ call: Call, _ body: (Caller, any DirectoryView) throws -> Result) throws -> Result {
        guard let session = sessions.session(for: call.sessionToken, now: .now) else {
            throw sessions.isShared && !call.sessionToken.isEmpty ? SessionNotHeld() : RPCError.unauthenticated
        }
        try check(session, call)
        let result: Result? = try store.readNow { view in
            try Self.caller(session, call, in: view).map { try body($0, view) }
        }
        guard let result else {
            Task { [sessions] in await sessions.end(token: call.sessionToken) }
            throw RPCError.unauthenticated
        }
        return result
    }

    /// Whether the calls that read may run on the event loop: the store reads at once, and
    /// every session is held here.
    var readsAtOnce: Bool { store.readsImmediately && !sessions.isShared }

    /// Fetches the call's session from the shared table, so that `withCallerNow` finds it;
    /// the error when the table cannot be read (the call then fails with it).
    func load(of call: Call) async -> (any Error)? {
        do {
            _ = try await sessions.load(token: call.sessionToken, now: .now)
            return nil
        } catch {
            return error
        }
    }

    /// Like `withCallerNow`, for stores whose reads wait.
    func withCaller<Result: Sendable>(
        _ call: Call, _ body: @Sendable (Caller, any DirectoryView) throws -> Result
    ) async throws -> Result {
        guard let session = try await sessions.load(token: call.sessionToken, now: .now) else {
            throw RPCError.unauthenticated
        }
        try check(session, call)
        let result: Result? = try await store.read { view in
            try Self.caller(session, call, in: view).map { try body($0, view) }
        }
        guard let result else {
            await sessions.end(token: call.sessionToken)
            throw RPCError.unauthenticated
        }
        return result
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

    private func check(_ session: Session, _ call: Call) throws {
        guard !session.enrollmentOnly || Self.enrollmentMethods.contains(call.method) else {
            throw RPCError(
                .permissionDenied,
                "this session may only enrol an authenticator app (BeginSecondFactorEnrollment, then "
                    + "ConfirmSecondFactorEnrollment); then log in again with its code")
        }
    }

    private static func caller(_ session: Session, _ call: Call, in view: any DirectoryView) -> Caller? {
        guard let account = view.account(id: session.accountID), account.isActive else { return nil }
        return Caller(account: account, sessionToken: call.sessionToken, enrollmentOnly: session.enrollmentOnly)
    }
}

/// The call's session may exist on another node: load it, then run the call again.
struct SessionNotHeld: Error {}
