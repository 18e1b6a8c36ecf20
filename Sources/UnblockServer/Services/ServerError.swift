// Start-up problems for the operator: a bad setting, or a listener that cannot open, with what to change.
import Glibc
import NIOCore
import UnblockWire

/// A configuration or start-up problem, with a message for the operator.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    package init(_ description: String) { self.description = description }

    /// A listener that could not be opened: where, why, and what to change.
    package init(listeningOn address: BindAddress, _ error: any Error, option: String) {
        let reason: String
        var hint = "choose another address with \(option)"
        switch error {
        case let error as IOError:
            reason = String(cString: strerror(error.errnoCode))
            if error.errnoCode == EADDRINUSE { hint = "is another server running there? stop it or " + hint }
        case SocketAddressError.unixDomainSocketPathTooLong:
            reason = "the path is longer than a Unix socket address holds (107 bytes)"
        case let error as SocketAddressError.UnknownHost:
            reason = "\(error.host) does not resolve to an address"
        default:
            reason = "\(error)"
        }
        self.init("cannot listen on \(address): \(reason); \(hint)")
    }
}
