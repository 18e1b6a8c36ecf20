// The status a call ends with, and the one mapping from every internal error to a wire status.
import UnblockCrypto
import UnblockStore
import UnblockWire

/// A call's non-OK outcome: a gRPC status code and a message for the caller, and where the
/// code alone does not tell a client what to do, a reason and when a retry can succeed.
struct RPCError: Error, Sendable {
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
    static let noSuchCard = RPCError(.notFound, "no such card")

    /// The status for any error a call can raise. Internal details (file names, OpenSSL
    /// failures) stay in the log; the caller gets a message it can act on.
    static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case let error as WireError:
            return RPCError(.invalidArgument, error.message)
        case let error as CryptoError where error.code == .overloaded:
            return RPCError(
                .resourceExhausted, "the server is busy; retry in a moment", reason: .serverBusy,
                retryAfterMilliseconds: busyRetryMilliseconds)
        case let error as CryptoError where error.code == .deadlinePassed:
            return RPCError(.deadlineExceeded, "the call's deadline passed while it waited for the crypto pool")
        case let error as CryptoError where error.code == .shutDown:
            return RPCError(.unavailable, "the server is shutting down")
        case let error as StoreError where error.code == .failed:
            return RPCError(.unavailable, "the server cannot record changes right now; an operator must restart it")
        case is CancellationError:
            return RPCError(.cancelled, "the call was cancelled")
        default:
            return RPCError(.internal, "internal error")
        }
    }
}
