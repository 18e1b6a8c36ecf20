// The typed error of every client call: the server's status, or a transport failure as UNAVAILABLE.
import UnblockWire

/// A call that did not succeed.
public struct UnblockClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The server's status code; `.unavailable` when the server could not be reached,
    /// `.deadlineExceeded` when the call's deadline passed first.
    public let code: StatusCode
    /// The server's message, or what went wrong with the connection.
    public let message: String

    public init(code: StatusCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
