// Logins checked against the organisation's directory through OpenLDAP's client library.
import CLDAP
import Foundation
import Synchronization

/// Checks a username and password against the directory, and reads the user's name, groups
/// and state. Every call blocks its thread on the network: run it on a lane of its own (the
/// crypto pool's password lane), never on an event loop or the cooperative pool.
public final class LDAPDirectory: Sendable {
    public let settings: LDAPSettings
    /// Open connections waiting for the next login, each with the URL it reached.
    private let idle = Mutex<[(connection: LDAPConnection, url: String)]>([])

    public init(settings: LDAPSettings) {
        self.settings = settings
        // libldap writes to its sockets without MSG_NOSIGNAL: a server that went away while a
        // connection waited would end the whole process with SIGPIPE instead of an error.
        signal(SIGPIPE, SIG_IGN)
    }

    /// The user `username` is, if `password` is theirs.
    /// - Throws: `.invalidCredentials` for an unknown user or a wrong password (and an empty
    ///   password, before any bind: an anonymous bind must never count as a login);
    ///   `.unavailable` when no server answered.
    public func authenticate(username: String, password: String) throws(LDAPLoginError) -> LDAPUser {
        guard !password.isEmpty, !username.isEmpty, !password.utf8.contains(0) else {
            throw .invalidCredentials
        }
        var (connection, reused) = try connect(fresh: false)
        while true {
            do {
                let user = try login(username, password, on: connection)
                keep(connection)
                return user
            } catch .invalidCredentials {
                // A wrong password leaves a connection as good as before.
                keep(connection)
                throw .invalidCredentials
            } catch {
                // A kept connection may have been closed by the server meanwhile: once more, anew.
                guard reused else { throw error }
                (connection, reused) = try connect(fresh: true)
            }
        }
    }

    private func login(_ username: String, _ password: String, on connection: (connection: LDAPConnection, url: String))
        throws(LDAPLoginError) -> LDAPUser
    {
        let ldap = connection.connection
        let dn: String
        switch settings.lookup {
        case .bindTemplate(let template):
            dn = LDAPEscaping.fill(template, username: username, filter: false)
        case .search(let base, let filter, let serviceDN, let servicePassword):
            try check(
                ldap.bind(dn: serviceDN, password: servicePassword), connection.url,
                invalid: "the service account's bind")
            let found = try check(
                ldap.search(
                    base: base, subtree: true, filter: LDAPEscaping.fill(filter, username: username, filter: true),
                    attributes: ["1.1"], timeout: settings.timeoutSeconds, limit: 2),
                connection.url)
            guard found.count == 1 else { throw .invalidCredentials }
            dn = found[0].distinguishedName
        }
        let bound = ldap.bind(dn: dn, password: password)
        if bound == LDAP_INVALID_CREDENTIALS || bound == LDAP_INVALID_DN_SYNTAX || bound == LDAP_NO_SUCH_OBJECT {
            throw .invalidCredentials
        }
        try check(bound, connection.url)
        // The user's own entry, read as the user.
        var attributes = [settings.displayNameAttribute, settings.groupAttribute, "userAccountControl"]
        if let disabled = settings.disabledWhen { attributes.append(disabled.attribute) }
        let entries = try check(
            ldap.search(
                base: dn, subtree: false, filter: "(objectClass=*)", attributes: attributes,
                timeout: settings.timeoutSeconds, limit: 1),
            connection.url)
        guard let entry = entries.first else { throw .invalidCredentials }
        var groups = Set(entry.values(settings.groupAttribute).map { $0.lowercased() })
        if groups.isEmpty, let groupBase = settings.groupBase {
            let filter = "(member=\(LDAPEscaping.filterValue(dn)))"
            let found = try check(
                ldap.search(
                    base: groupBase, subtree: true, filter: filter, attributes: ["1.1"],
                    timeout: settings.timeoutSeconds, limit: 1_000),
                connection.url)
            groups = Set(found.map { $0.distinguishedName.lowercased() })
        }
        let roles = Set(settings.roleGroups.filter { groups.contains($0.groupDN.lowercased()) }.map(\.role))
        let accountControl = entry.values("userAccountControl").first.flatMap { Int($0) } ?? 0
        let markedDisabled = settings.disabledWhen.map { entry.values($0.attribute).contains($0.value) } ?? false
        return LDAPUser(
            distinguishedName: dn, displayName: entry.values(settings.displayNameAttribute).first, roles: roles,
            isDisabled: accountControl & 2 != 0 || markedDisabled)
    }

    /// A connection from the idle ones (unless `fresh`), else a new one to the first server that answers.
    private func connect(fresh: Bool) throws(LDAPLoginError) -> (
        connection: (connection: LDAPConnection, url: String), reused: Bool
    ) {
        if !fresh, let kept = idle.withLock({ $0.popLast() }) { return (kept, true) }
        var reasons: [String] = []
        for url in settings.urls {
            do {
                return ((try LDAPConnection(url: url, settings: settings), url), false)
            } catch {
                reasons.append("\(url): \(error.message)")
            }
        }
        throw .unavailable(reasons.joined(separator: "; "))
    }

    private func keep(_ connection: (connection: LDAPConnection, url: String)) {
        idle.withLock { idle in
            if idle.count < settings.maximumIdleConnections { idle.append(connection) }
        }
    }

    /// The result of an operation: a failure is the directory's, not the user's.
    @discardableResult
    private func check<Value>(_ result: Result<Value, LDAPConnection.Failure>, _ url: String, invalid: String? = nil)
        throws(LDAPLoginError) -> Value
    {
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw .unavailable("\(url): \(invalid.map { $0 + ": " } ?? "")\(failure.message)")
        }
    }

    private func check(_ code: Int32, _ url: String, invalid: String? = nil) throws(LDAPLoginError) {
        guard code == LDAP_SUCCESS else {
            throw .unavailable("\(url): \(invalid.map { $0 + ": " } ?? "")\(String(cString: ldap_err2string(code)))")
        }
    }
}
