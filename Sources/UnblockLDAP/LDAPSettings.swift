// How unblockd reaches the organisation's directory and reads a user from it.

/// The directory's servers, how a username becomes an entry, and what the entry says.
public struct LDAPSettings: Sendable {
    /// How a username is found.
    public enum Lookup: Sendable {
        /// Bind at once as this DN, `{username}` replaced (escaped for a DN), e.g.
        /// `uid={username},ou=people,dc=example,dc=org`.
        case bindTemplate(String)
        /// Bind as a service account, search `base` with `filter` (`{username}` escaped for a
        /// filter, e.g. `(sAMAccountName={username})`), then bind as the one entry found.
        case search(base: String, filter: String, serviceDN: String, servicePassword: String)
    }

    /// Tried in order: `ldaps://`, or `ldap://` with StartTLS.
    public var urls: [String]
    public var lookup: Lookup
    /// PEM CAs for the servers' certificates; nil: the system's.
    public var caFile: String?
    /// `ldap://` without StartTLS, allowed on loopback only (tests, a local relay).
    public var allowPlainOnLoopback = false
    /// The entry's attribute with the name to show.
    public var displayNameAttribute = "displayName"
    /// Groups (DNs, compared without case) whose members get each role (`selfservice`,
    /// `helpdesk`, `admin`).
    public var roleGroups: [(role: String, groupDN: String)] = []
    /// The entry's attribute that lists its groups (`memberOf` on Active Directory and with
    /// OpenLDAP's memberof overlay); without it, groups are searched under `groupBase` for
    /// `(member=DN)`.
    public var groupAttribute = "memberOf"
    /// Where to search groups by `member` when the entry has no `groupAttribute`.
    public var groupBase: String?
    /// An attribute and value that mark an account as disabled (besides Active Directory's
    /// `userAccountControl` bit 2, always checked).
    public var disabledWhen: (attribute: String, value: String)?
    /// For connecting and for each operation.
    public var timeoutSeconds: Int32 = 5
    /// Connections kept open for reuse.
    public var maximumIdleConnections = 4

    public init(urls: [String], lookup: Lookup) {
        self.urls = urls
        self.lookup = lookup
    }

    /// What is wrong with these settings, in an operator's words; nil when nothing.
    public var problem: String? {
        guard !urls.isEmpty else { return "give at least one LDAP URL" }
        for url in urls {
            guard url.hasPrefix("ldaps://") || url.hasPrefix("ldap://") else {
                return "\(url) is not an ldap:// or ldaps:// URL"
            }
        }
        switch lookup {
        case .bindTemplate(let template) where !template.contains("{username}"):
            return "the bind DN template must contain {username}"
        case .search(_, let filter, _, _) where !filter.contains("{username}"):
            return "the search filter must contain {username}"
        default: return nil
        }
    }
}

/// A user the directory vouched for.
public struct LDAPUser: Sendable, Equatable {
    public let distinguishedName: String
    public let displayName: String?
    /// Role names (`selfservice`, `helpdesk`, `admin`) from the user's groups.
    public let roles: Set<String>
    public let isDisabled: Bool
}

/// Why a directory login did not succeed.
public enum LDAPLoginError: Error, Sendable, Equatable {
    /// No such user, or the wrong password (never told apart).
    case invalidCredentials
    /// No server answered, or not in time, or TLS failed: never a wrong password.
    case unavailable(String)
}
