// The typed error of every client call: the server's status, or a transport failure as UNAVAILABLE.
import UnblockWire

/// A call that did not succeed.
public struct UnblockClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The server's status code; `.unavailable` when the server could not be reached,
    /// `.deadlineExceeded` when the call's deadline passed first.
    public let code: StatusCode
    /// The server's message, or what went wrong with the connection.
    public let message: String
    /// Why, where the code alone does not say: `.serverBusy` (retry the same call after
    /// `retryAfter`) or `.cardResponseLimit` (a retry before `retryAfter` is refused again).
    public let reason: ErrorReason
    /// The earliest a retry can succeed, when the server said.
    public let retryAfter: Duration?

    public init(code: StatusCode, message: String, reason: ErrorReason = .unspecified, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.reason = reason
        self.retryAfter = retryAfter
    }

    /// The error a non-OK response frame stands for.
    init(_ frame: ResponseFrame) {
        self.init(
            code: frame.statusCode, message: frame.statusMessage, reason: frame.reason,
            retryAfter: frame.retryAfterMilliseconds > 0 ? .milliseconds(frame.retryAfterMilliseconds) : nil)
    }

    public var description: String { "\(code): \(message)" }
}
