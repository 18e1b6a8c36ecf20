// A user enrols their own authenticator app: a pending secret, then a first code that confirms it.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension SelfServiceProvider {
    /// A new secret, pending until confirmed (an earlier pending one is replaced); the answer
    /// carries it, so it crosses only a confidential connection.
    func beginSecondFactorEnrollment(
        _ request: BeginSecondFactorEnrollmentRequest, _ caller: Caller, _ context: CallContext
    ) async throws -> BeginSecondFactorEnrollmentResponse {
        try requireSecondFactors()
        try context.requireConfidentialConnection()
        try context.checkDeadline()
        let secret = try SecretBytes(randomCount: TOTP.secretLength)
        let now = Timestamp.now
        return try await store.commit { [self] directory in
            guard var account = directory.account(id: caller.account.id) else { throw RPCError.unauthenticated }
            account.totpPending = try secondFactor.sealer.sealTOTPSecret(secret, accountID: account.id.rawValue)
            let event = AuditEvent(
                at: now, actor: account.username, action: "begin-totp-enrolment", target: account.username,
                outcome: "success", detail: context.origin)
            let uri = TOTP.uri(secret: secret, username: account.username, issuer: configuration.totpIssuer)
            return ([.account(account), .audit(event)], BeginSecondFactorEnrollmentResponse(uri: uri))
        }
    }

    /// The app's first code: the pending secret becomes the caller's second factor. A session
    /// for enrolment only ends with it (the next login gives a code).
    func confirmSecondFactorEnrollment(
        _ request: ConfirmSecondFactorEnrollmentRequest, _ caller: Caller, _ context: CallContext
    ) async throws -> ConfirmSecondFactorEnrollmentResponse {
        try requireSecondFactors()
        try context.checkDeadline()
        let now = Timestamp.now
        let sealer = secondFactor.sealer
        let confirmed: Bool = try await store.commit { directory in
            guard var account = directory.account(id: caller.account.id) else { throw RPCError.unauthenticated }
            guard let pending = account.totpPending else {
                throw RPCError(.failedPrecondition, "no enrolment is under way: begin one first")
            }
            let secret = try sealer.openTOTPSecret(pending, accountID: account.id.rawValue)
            guard
                let step = TOTP.matchingStep(
                    request.oneTimeCode, secret: secret, now: now.milliseconds / 1_000, after: 0)
            else {
                let event = AuditEvent(
                    at: now, actor: account.username, action: "confirm-totp-enrolment", target: account.username,
                    outcome: "refused: wrong one-time code", detail: context.origin)
                return ([.audit(event)], false)
            }
            account.totpSecret = pending
            account.totpPending = nil
            account.totpLastStep = step
            let event = AuditEvent(
                at: now, actor: account.username, action: "confirm-totp-enrolment", target: account.username,
                outcome: "success", detail: context.origin)
            return ([.account(account), .audit(event)], true)
        }
        guard confirmed else {
            throw RPCError(
                .invalidArgument,
                "that code is not the app's current one: check that the phone's clock is right, then try the next code")
        }
        if caller.enrollmentOnly { await sessions.end(token: caller.sessionToken) }
        return ConfirmSecondFactorEnrollmentResponse(logInAgain: caller.enrollmentOnly)
    }

    private func requireSecondFactors() throws {
        guard secondFactor.policy.asksForCodes else {
            throw RPCError(.failedPrecondition, "second factors are off on this server (--second-factor)")
        }
    }
}
