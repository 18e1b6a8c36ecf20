// unblockd serve's LDAP options: logins checked against the organisation's directory.
import ArgumentParser
import Foundation
import UnblockLDAP
import UnblockServer
import UnblockSettings

struct DirectoryOptions: ParsableArguments {
    @Option(
        help: """
            An LDAP server: ldaps://HOST[:PORT], or ldap://HOST[:PORT] with StartTLS. Repeatable: \
            tried in order. Turns directory logins on. [env: UNBLOCK_LDAP_URLS, comma-separated]
            """)
    var ldapUrl = Setting.list("ldap-url")

    @Option(help: "PEM CAs for the LDAP servers' certificates (default: the system's). [env: UNBLOCK_LDAP_CA]")
    var ldapCa: String?

    @Option(
        help: """
            Bind at once as this DN, {username} replaced (escaped), e.g. \
            uid={username},ou=people,dc=example,dc=org. [env: UNBLOCK_LDAP_BIND_DN]
            """)
    var ldapBindDn: String?

    @Option(help: "Or search here for the user, as the service account. [env: UNBLOCK_LDAP_SEARCH_BASE]")
    var ldapSearchBase: String?

    @Option(help: "The search's filter, e.g. (sAMAccountName={username}). [env: UNBLOCK_LDAP_SEARCH_FILTER]")
    var ldapSearchFilter: String?

    @Option(help: "The service account's DN, for the search. [env: UNBLOCK_LDAP_SERVICE_DN]")
    var ldapServiceDn: String?

    @Option(help: "A file holding the service account's password. [env: UNBLOCK_LDAP_SERVICE_PASSWORD_FILE]")
    var ldapServicePasswordFile: String?

    @Option(help: "The attribute with the user's name to show. [env: UNBLOCK_LDAP_DISPLAY_NAME_ATTRIBUTE]")
    var ldapDisplayNameAttribute = Setting.string("ldap-display-name-attribute")

    @Option(help: "The attribute that lists a user's groups. [env: UNBLOCK_LDAP_GROUP_ATTRIBUTE]")
    var ldapGroupAttribute = Setting.string("ldap-group-attribute")

    @Option(help: "Without that attribute, search groups here by member. [env: UNBLOCK_LDAP_GROUP_BASE]")
    var ldapGroupBase: String?

    @Option(
        help: """
            ROLE=GROUP-DN: members of the group get the role (selfservice, helpdesk or admin; without a \
            selfservice group, everyone is a card holder). Repeatable. [env: UNBLOCK_LDAP_ROLE_GROUPS, ;-separated]
            """)
    var ldapRoleGroup = Setting.list("ldap-role-group")

    @Option(
        help: """
            ATTRIBUTE=VALUE marking a disabled account (Active Directory's userAccountControl is \
            always checked). [env: UNBLOCK_LDAP_DISABLED_WHEN]
            """)
    var ldapDisabledWhen: String?

    @Flag(help: "Allow ldap:// without StartTLS to a loopback address. [env: UNBLOCK_LDAP_ALLOW_PLAIN_ON_LOOPBACK=1]")
    var ldapAllowPlainOnLoopback = Setting.toggle("ldap-allow-plain-on-loopback")

    @Option(help: "Seconds for connecting and for each LDAP operation. [env: UNBLOCK_LDAP_TIMEOUT]")
    var ldapTimeout: Int32 = Setting.number("ldap-timeout")

    @Option(
        help: """
            local-then-ldap (local accounts with a password keep it) or ldap-only. [env: UNBLOCK_LOGIN_ORDER]
            """)
    var loginOrder = Setting.string("login-order")

    // The flags, else their settings (an option with a default may not be optional).
    var ldapCaValue: String? { ldapCa ?? Setting.text("ldap-ca") }
    var ldapBindDnValue: String? { ldapBindDn ?? Setting.text("ldap-bind-dn") }
    var ldapSearchBaseValue: String? { ldapSearchBase ?? Setting.text("ldap-search-base") }
    var ldapSearchFilterValue: String? { ldapSearchFilter ?? Setting.text("ldap-search-filter") }
    var ldapServiceDnValue: String? { ldapServiceDn ?? Setting.text("ldap-service-dn") }
    var ldapServicePasswordFileValue: String? { ldapServicePasswordFile ?? Setting.text("ldap-service-password-file") }
    var ldapGroupBaseValue: String? { ldapGroupBase ?? Setting.text("ldap-group-base") }
    var ldapDisabledWhenValue: String? { ldapDisabledWhen ?? Setting.text("ldap-disabled-when") }

    func validate() throws {
        guard !ldapUrl.isEmpty else { return }
        _ = try settings()
        guard ["local-then-ldap", "ldap-only"].contains(loginOrder) else {
            throw ValidationError("--login-order takes local-then-ldap or ldap-only")
        }
        guard (1...120).contains(ldapTimeout) else { throw ValidationError("--ldap-timeout takes 1 to 120 seconds") }
    }

    /// The directory login these options describe; nil without --ldap-url.
    func directoryLogin() throws -> ServerConfiguration.DirectoryLogin? {
        guard !ldapUrl.isEmpty else { return nil }
        return .init(settings: try settings(), localFirst: loginOrder == "local-then-ldap")
    }

    private func settings() throws -> LDAPSettings {
        let lookup: LDAPSettings.Lookup
        if let ldapBindDnValue {
            lookup = .bindTemplate(ldapBindDnValue)
        } else if let base = ldapSearchBaseValue, let filter = ldapSearchFilterValue,
            let serviceDN = ldapServiceDnValue, let password = try servicePassword()
        {
            lookup = .search(base: base, filter: filter, serviceDN: serviceDN, servicePassword: password)
        } else {
            throw ValidationError(
                "--ldap-url needs --ldap-bind-dn, or --ldap-search-base, --ldap-search-filter, --ldap-service-dn "
                    + "and --ldap-service-password-file (or ldap-service-password in the configuration file)")
        }
        var settings = LDAPSettings(urls: ldapUrl, lookup: lookup)
        settings.caFile = ldapCaValue
        settings.displayNameAttribute = ldapDisplayNameAttribute
        settings.groupAttribute = ldapGroupAttribute
        settings.groupBase = ldapGroupBaseValue
        settings.allowPlainOnLoopback = ldapAllowPlainOnLoopback
        settings.timeoutSeconds = ldapTimeout
        settings.roleGroups = try ldapRoleGroup.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["selfservice", "helpdesk", "admin"].contains(parts[0]) else {
                throw ValidationError(
                    "--ldap-role-group takes selfservice=, helpdesk= or admin= and a group's DN, not \(pair)")
            }
            return (parts[0], parts[1])
        }
        if let ldapDisabledWhenValue {
            let parts = ldapDisabledWhenValue.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--ldap-disabled-when takes ATTRIBUTE=VALUE") }
            settings.disabledWhen = (parts[0], parts[1])
        }
        if let problem = settings.problem { throw ValidationError("LDAP: \(problem)") }
        return settings
    }

    /// The service account's password: from its file, else from the configuration (never a flag).
    private func servicePassword() throws -> String? {
        guard let passwordFile = ldapServicePasswordFileValue else { return Setting.text("ldap-service-password") }
        guard let data = FileManager.default.contents(atPath: passwordFile) else {
            throw ValidationError("--ldap-service-password-file \(passwordFile): cannot be read")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
