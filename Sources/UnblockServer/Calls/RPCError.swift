// The status a call ends with, and the one mapping from every internal error to a wire status.
import UnblockCrypto
import UnblockProtobufBridge
import UnblockStore
import UnblockWire

/// An error that stands for a status a client can act on: each kind of error says its own
/// status once, here, so that every front end (RPC today, HTTP for the portal) maps alike.
protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}

/// A call's non-OK outcome: a gRPC status code and a message for the caller, and where the
/// code alone does not tell a client what to do, a reason and when a retry can succeed.
struct RPCError: Error, Sendable, RPCErrorConvertible {
    var code: StatusCode
    var message: String
    var reason: ErrorReason
    var retryAfterMilliseconds: UInt32

    init(_ code: StatusCode, _ message: String, reason: ErrorReason = .unspecified, retryAfterMilliseconds: UInt32 = 0)
    {
        self.code = code
        self.message = message
        self.reason = reason
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    /// The back-off a busy server asks for: long enough for a queue to drain a little.
    static let busyRetryMilliseconds: UInt32 = 200

    static let unauthenticated = RPCError(.unauthenticated, "not logged in, or the session has expired; log in again")
    static let invalidCredentials = RPCError(.unauthenticated, "invalid username or password")
    /// The same, where logins may also give a one-time code: one message whatever was wrong.
    static let invalidCredentialsOrCode = RPCError(.unauthenticated, "invalid username, password or one-time code")
    static let noSuchCard = RPCError(.notFound, "no such card")

    var rpcError: RPCError { self }

    /// The status for any error a call can raise. Internal details (file names, OpenSSL
    /// failures) stay in the log; the caller gets a message it can act on.
    static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as any RPCErrorConvertible: error.rpcError
        case is CancellationError: RPCError(.cancelled, "the call was cancelled")
        default: RPCError(.internal, "internal error")
        }
    }
}

extension WireError: RPCErrorConvertible {
    var rpcError: RPCError { RPCError(.invalidArgument, message) }
}

extension CryptoError: RPCErrorConvertible {
    var rpcError: RPCError {
        switch code {
        case .overloaded:
            RPCError(
                .resourceExhausted, "the server is busy; retry in a moment", reason: .serverBusy,
                retryAfterMilliseconds: RPCError.busyRetryMilliseconds)
        case .deadlinePassed:
            RPCError(.deadlineExceeded, "the call's deadline passed while it waited for the crypto pool")
        case .shutDown: RPCError(.unavailable, "the server is shutting down")
        default: RPCError(.internal, "internal error")
        }
    }
}

extension StoreError: RPCErrorConvertible {
    var rpcError: RPCError {
        switch code {
        case .failed: RPCError(.unavailable, "the server cannot record changes right now; an operator must restart it")
        case .unavailable:
            RPCError(
                .unavailable, "the server cannot reach its database right now; retry in a moment",
                retryAfterMilliseconds: 1_000)
        default: RPCError(.internal, "internal error")
        }
    }
}
