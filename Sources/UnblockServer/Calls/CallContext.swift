// What a service sees of a call besides its request: where it comes from, and by when it must end.
import UnblockCore
import UnblockWire

/// The facts of one call a service may use: never frames, connections or call ids.
package struct CallContext: Sendable {
    /// Who is at the other end (a local uid or an address), for the audit and per-client limits.
    let client: ClientIdentity
    let deadline: ContinuousClock.Instant
    /// Whom a trusted app calls for (never set on another connection).
    var relayedFor: ClientInfo? = nil
    /// The connection is TLS.
    var isTLS = false
    /// The app its client certificate names, if it showed one.
    var tlsApp: String? = nil
    /// The operator lets passwords and keys cross plain TCP beyond loopback.
    var secretsAllowedInClear = false

    /// Whom the per-client limits count this call against: the person's browser when a
    /// trusted app says, so that one person cannot use up the app's share for everyone.
    var limitedClient: ClientIdentity {
        guard let address = relayedFor?.endUserAddress, !address.isEmpty else { return client }
        return .remote(host: address)
    }

    /// Where the call comes from, for an audit event: `client=...`, then the app and the
    /// person's address when a trusted app relays the call.
    var origin: String {
        var origin = "client=\(client)"
        if let app = tlsApp { origin += " tls_app=\(app)" }
        if let relayedFor {
            origin += " app=\(relayedFor.app)"
            if !relayedFor.endUserAddress.isEmpty { origin += " end_user=\(relayedFor.endUserAddress)" }
        }
        return origin
    }

    /// Throws `DEADLINE_EXCEEDED` once the deadline has passed. Checked between the stages of
    /// a call, never after a change was recorded (a recorded change is always answered).
    func checkDeadline() throws {
        if ContinuousClock.now >= deadline {
            throw RPCError(.deadlineExceeded, "the call's deadline passed before it could finish")
        }
    }

    /// FAILED_PRECONDITION unless secrets may cross this call's connection: the Unix socket
    /// or loopback (passwords and keys never cross a network in clear).
    func requireConfidentialConnection() throws {
        let confidential =
            switch client {
            case .localUser: true
            case .remote(let host): isTLS || secretsAllowedInClear || BindAddress.isLoopback(host: host)
            case .unknown: false
            }
        guard confidential else {
            throw RPCError(
                .failedPrecondition,
                "passwords and keys are accepted over the Unix socket, loopback or TLS only: this connection "
                    + "crosses the network in clear")
        }
    }
}

/// The authenticated principal of a call: the account behind its session, as of this call.
package struct Caller: Sendable {
    let account: Account
    /// The session the call came with (Logout ends it).
    let sessionToken: String
    /// The session may only enrol a second factor.
    var enrollmentOnly = false
}

/// One call as the executor tracks it: its envelope, for the answer, the metrics and the log.
struct Call: Sendable {
    let connection: ConnectionIdentity
    let id: UInt64
    let method: String
    let sessionToken: String
    let started: ContinuousClock.Instant
    let context: CallContext
}
