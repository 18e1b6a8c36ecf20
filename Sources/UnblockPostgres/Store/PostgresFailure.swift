// What went wrong with PostgreSQL, in an operator's words: the server's own message when it
// sent one, else what to check. Never a password: PostgreSQL does not send it back.
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

public enum PostgresFailure {
    /// The system's words for why a connection failed ("connection refused").
    private static func reason(_ error: (any Error)?) -> String {
        switch error {
        case is NIOSSLError, is BoringSSLError:
            return "the database's TLS certificate was not accepted: it is not signed by the CA the URL's "
                + "sslrootcert names (or the system's CAs), or it does not name the host"
        case let error as NIOConnectionError:
            return reason(error.connectionErrors.first?.error)
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error?:
            return "\(error)"
        case nil:
            return "no answer"
        }
    }

    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        switch error.code {
        case .authMechanismRequiresPassword:
            return "the server asks for a password: give --postgres-password-file FILE or UNBLOCK_POSTGRES_PASSWORD"
        case .connectionError:
            return "cannot connect (\(reason(error.underlying))): is PostgreSQL running there?"
        case .sslUnsupported:
            return "the server does not offer TLS: enable ssl on it, or sslmode=disable for a server on this host"
        default:
            return "\(error.code)"
        }
    }
}
