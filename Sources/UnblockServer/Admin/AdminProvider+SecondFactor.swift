// A user's second factor: EnrollTOTP gives a new secret (shown once, as a URI), RemoveTOTP takes it away.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension AdminProvider {
    /// A new TOTP secret for the user, sealed at once; the URI that carries it is the only time
    /// it leaves the server, so it crosses only a confidential connection.
    func enrollTOTP(_ request: EnrollTOTPRequest, _ caller: Caller, _ context: CallContext) async throws
        -> EnrollTOTPResponse
    {
        try caller.require(.administer)
        try context.requireConfidentialConnection()
        try context.checkDeadline()
        let secret = try SecretBytes(randomCount: TOTP.secretLength)
        let sealer = KeySealer(masterKeys)
        let now = Timestamp.now
        return try await store.commit { [self] directory in
            var account = try directory.existingUser(named: request.username)
            let replaced = account.totpSecret != nil
            account.totpSecret = try sealer.sealTOTPSecret(secret, accountID: account.id.rawValue)
            account.totpLastStep = 0
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "enroll-totp", target: account.username,
                outcome: "success", detail: "replaced=\(replaced) \(context.origin)")
            let uri = TOTP.uri(secret: secret, username: account.username, issuer: configuration.totpIssuer)
            return (
                [.account(account), .audit(event)],
                EnrollTOTPResponse(uri: uri, user: details(account, in: directory, now: now))
            )
        }
    }

    /// Takes the user's secret away (a lost phone); idempotent, audited either way.
    func removeTOTP(_ request: RemoveTOTPRequest, _ caller: Caller, _ context: CallContext) async throws
        -> UserChangeResponse
    {
        try caller.require(.administer)
        try context.checkDeadline()
        let now = Timestamp.now
        return try await store.commit { [self] directory in
            var account = try directory.existingUser(named: request.username)
            let changed = account.totpSecret != nil
            account.totpSecret = nil
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "remove-totp", target: account.username,
                outcome: changed ? "success" : "unchanged", detail: context.origin)
            let mutations: [Mutation] = changed ? [.account(account), .audit(event)] : [.audit(event)]
            return (mutations, UserChangeResponse(changed: changed, user: details(account, in: directory, now: now)))
        }
    }
}
