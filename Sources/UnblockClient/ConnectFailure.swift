// Why a connection could not be opened, in words a person can act on (not NIO's error text).
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

enum ConnectFailure {
    /// "no such socket", "connection refused (nothing listens there)", ...
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return reason(errno: error.errnoCode)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error) }
            return "the host name \(error.host) does not resolve"
        case ChannelError.connectTimeout:
            return "no answer within the connect timeout"
        case SocketAddressError.unixDomainSocketPathTooLong:
            return "the socket path is too long"
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            return "the address does not resolve"
        default:
            return "\(error)"
        }
    }

    private static func reason(errno: CInt) -> String {
        switch errno {
        case ENOENT: "no such socket"
        case ECONNREFUSED: "connection refused (nothing listens there)"
        case EACCES, EPERM: "permission denied (is your user in the socket's group?)"
        case ENOTSOCK: "that file is not a socket"
        case ETIMEDOUT: "the connection timed out"
        case EHOSTUNREACH, ENETUNREACH: "the host is unreachable"
        default: String(cString: strerror(errno)).lowercased()
        }
    }
}
