// One method per call of unblock.v1.SelfService.
import UnblockWire

extension UnblockClient {
    /// Logs in; on success the session token is kept for the following calls.
    /// - Parameter oneTimeCode: the authenticator app's current code, when the server's
    ///   second-factor policy asks for one (`health().secondFactor`).
    @discardableResult
    public func authenticate(username: String, password: String, oneTimeCode: String = "") async throws
        -> AuthenticateResponse
    {
        let response = try await call(
            SelfService.Authenticate.self,
            AuthenticateRequest(username: username, password: password, oneTimeCode: oneTimeCode))
        sessionToken = response.sessionToken
        return response
    }

    /// A new secret for the caller's authenticator app (an `otpauth://` URI), pending until
    /// `confirmSecondFactorEnrollment` gives its first code.
    public func beginSecondFactorEnrollment() async throws -> String {
        try await call(SelfService.BeginSecondFactorEnrollment.self, BeginSecondFactorEnrollmentRequest()).uri
    }

    /// The app's current code for the pending secret; `true` when the session ended with it
    /// (it was for enrolment only: log in again, with a code).
    @discardableResult
    public func confirmSecondFactorEnrollment(oneTimeCode: String) async throws -> Bool {
        try await call(
            SelfService.ConfirmSecondFactorEnrollment.self,
            ConfirmSecondFactorEnrollmentRequest(oneTimeCode: oneTimeCode)
        ).logInAgain
    }

    /// Ends the session.
    public func logout() async throws {
        _ = try await call(SelfService.Logout.self, LogoutRequest())
        sessionToken = ""
    }

    /// The caller's cards, or (administrators) `username`'s.
    public func listCards(username: String = "") async throws -> ListCardsResponse {
        try await call(SelfService.ListCards.self, ListCardsRequest(username: username))
    }

    /// Enables a process on a card profile (administrators).
    public func enableProcess(
        profile: String,
        cardState: CardState = .active,
        process: CardProcess = .unblockPinOffline
    ) async throws -> EnableProcessResponse {
        try await call(
            SelfService.EnableProcess.self,
            EnableProcessRequest(profile: profile, cardState: cardState, process: process))
    }

    /// Disables a process on a card profile (administrators).
    public func disableProcess(
        profile: String,
        cardState: CardState = .active,
        process: CardProcess = .unblockPinOffline
    ) async throws -> DisableProcessResponse {
        try await call(
            SelfService.DisableProcess.self,
            DisableProcessRequest(profile: profile, cardState: cardState, process: process))
    }

    /// The response to the challenge a blocked card shows.
    public func unblockPinOffline(
        card: UnblockPinOfflineRequest.CardSelector,
        challenge: String,
        timeout: Duration? = nil
    ) async throws -> UnblockPinOfflineResponse {
        try await call(
            SelfService.UnblockPinOffline.self, UnblockPinOfflineRequest(card: card, challenge: challenge),
            timeout: timeout)
    }

    /// Whether the server is serving.
    public func health(timeout: Duration? = nil) async throws -> HealthResponse {
        try await call(SelfService.Health.self, HealthRequest(), timeout: timeout)
    }
}
