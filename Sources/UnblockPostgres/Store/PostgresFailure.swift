// What went wrong with PostgreSQL, in an operator's words: the server's own message when it
// sent one, else what to check. Never a password: PostgreSQL does not send it back.
import PostgresNIO

public enum PostgresFailure {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        switch error.code {
        case .authMechanismRequiresPassword:
            return "the server asks for a password: give --postgres-password-file FILE or UNBLOCK_POSTGRES_PASSWORD"
        case .connectionError:
            return "cannot connect (\(error.underlying.map { "\($0)" } ?? "no answer")): is PostgreSQL running there?"
        case .sslUnsupported:
            return "the server does not offer TLS: enable ssl on it, or sslmode=disable for a server on this host"
        default:
            return "\(error.code)"
        }
    }
}
