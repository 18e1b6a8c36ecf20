// Every option of `unblockd serve` as a setting: its key in unblockd.yaml, its variable, its default.
import ArgumentParser
import Logging
import UnblockCore
import UnblockCrypto
import UnblockLogging
import UnblockServer
import UnblockSettings
import UnblockStore
import UnblockTLS
import UnblockWire

enum UnblockdSettings {
    static let defaultFile = "/etc/unblock/unblockd.yaml"
    static let fileVariable = "UNBLOCK_CONFIG"

    static let keys: [SettingKey] = listeners + limits + logs + tls + directory + postgres

    private static let listeners: [SettingKey] = [
        .init("data-dir", environment: "UNBLOCK_DATA_DIR", default: "./var"),
        .init("unix-socket", environment: "UNBLOCK_UNIX_SOCKET", default: "DATA_DIR/unblockd.sock"),
        .init("tcp", environment: "UNBLOCK_TCP", default: "none"),
        .init("allow-insecure-tcp", environment: "UNBLOCK_ALLOW_INSECURE_TCP", .toggle, default: "false"),
        .init("trusted-app-user", environment: "UNBLOCK_TRUSTED_APP_USERS", .list(separator: ",")),
        .init("metrics", environment: "UNBLOCK_METRICS", default: "none"),
        .init("allow-remote-metrics", environment: "UNBLOCK_ALLOW_REMOTE_METRICS", .toggle, default: "false"),
        .init("import", environment: "UNBLOCK_IMPORT"),
        .init(
            "fsync", environment: "UNBLOCK_FSYNC", .choice(FsyncPolicy.allValueStrings), default: store.fsync.rawValue),
        .init(
            "journal-preallocate", environment: "UNBLOCK_JOURNAL_PREALLOCATE", .number(0...4_096),
            default: "\(store.journalPreallocation >> 20)"),
        .init(
            "audit-retention-days", environment: "UNBLOCK_AUDIT_RETENTION_DAYS", .number(0...36_500),
            default: "\(store.auditArchiveRetention.map { Int($0.components.seconds / 86_400) } ?? 0)"),
        .init("pool-spin", environment: "UNBLOCK_POOL_SPIN", .toggle, default: "false"),
        .init("master-key-passphrase-file", environment: "UNBLOCK_MASTER_KEY_PASSPHRASE_FILE"),
    ]

    // Upper bounds too: a time far beyond a year, or a count beyond any machine, is a typo,
    // and would overflow where the server adds it to a clock.
    private static let year = 365 * 86_400
    private static let limits: [SettingKey] = [
        // A card remembers 30 days of answered challenges: at most 1,000 a day.
        number(
            "responses-per-day", 1...UnblockPolicy.maximumResponsesPerWindow, server.unblockPolicy.maxResponsesPerWindow
        ),
        number("max-logins-per-client", 1...100_000, server.logins.maximumPerClient),
        number("max-login-failures", 1...1_000_000, Int(server.loginPolicy.maxConsecutiveFailures)),
        number("password-iterations", 1_000...100_000_000, PasswordHasher.defaultIterations),
        number("max-connections", 1...1_000_000, server.connections.maximum),
        number("max-connections-per-client", 1...1_000_000, server.connections.maximumPerClient),
        number("calls-in-flight", 1...65_536, server.connections.callsInFlight),
        number("idle-timeout", 1...year, Int(server.connections.idleTimeout.components.seconds)),
        number("session-idle-timeout", 1...year, Int(server.sessions.idleTimeout.components.seconds)),
        number("session-lifetime", 1...year, Int(server.sessions.absoluteTimeout.components.seconds)),
        number("max-sessions", 1...100_000_000, server.sessions.maximum),
        number("max-sessions-per-user", 1...10_000, server.sessions.maximumPerAccount),
        .init(
            "second-factor", environment: "UNBLOCK_SECOND_FACTOR", .choice(["off", "optional", "required"]),
            default: "off"),
        .init("totp-issuer", environment: "UNBLOCK_TOTP_ISSUER", default: "Unblock"),
    ]

    private static let logs: [SettingKey] = [
        .init("audit-log", environment: "UNBLOCK_AUDIT_LOG", default: "none"),
        .init("log-format", environment: "UNBLOCK_LOG_FORMAT", .choice(LogFormat.allValueStrings), default: "text"),
        .init(
            "log-level", environment: "UNBLOCK_LOG_LEVEL", .choice(Logger.Level.allCases.map(\.rawValue)),
            default: "info"),
    ]

    private static let tls: [SettingKey] = [
        .init("tls-cert", environment: "UNBLOCK_TLS_CERT"),
        .init("tls-key", environment: "UNBLOCK_TLS_KEY"),
        .init("tls-client-ca", environment: "UNBLOCK_TLS_CLIENT_CA"),
        .init(
            "tls-client-auth", environment: "UNBLOCK_TLS_CLIENT_AUTH",
            .choice(TLSServerSettings.ClientAuthentication.allValueStrings), default: "none"),
        .init("trusted-app", environment: "UNBLOCK_TRUSTED_APPS", .list(separator: ",")),
        .init(
            "danger-allow-secrets-over-plaintext-tcp", environment: "UNBLOCK_DANGER_ALLOW_SECRETS_OVER_PLAINTEXT_TCP",
            .toggle, default: "false"),
    ]

    private static let directory: [SettingKey] = [
        .init("ldap-url", environment: "UNBLOCK_LDAP_URLS", .list(separator: ",")),
        .init("ldap-ca", environment: "UNBLOCK_LDAP_CA"),
        .init("ldap-bind-dn", environment: "UNBLOCK_LDAP_BIND_DN"),
        .init("ldap-search-base", environment: "UNBLOCK_LDAP_SEARCH_BASE"),
        .init("ldap-search-filter", environment: "UNBLOCK_LDAP_SEARCH_FILTER"),
        .init("ldap-service-dn", environment: "UNBLOCK_LDAP_SERVICE_DN"),
        .init("ldap-service-password-file", environment: "UNBLOCK_LDAP_SERVICE_PASSWORD_FILE"),
        // No flag: a command line is visible to every local user.
        .init("ldap-service-password", environment: "UNBLOCK_LDAP_SERVICE_PASSWORD", isSecret: true),
        .init(
            "ldap-display-name-attribute", environment: "UNBLOCK_LDAP_DISPLAY_NAME_ATTRIBUTE", default: "displayName"),
        .init("ldap-group-attribute", environment: "UNBLOCK_LDAP_GROUP_ATTRIBUTE", default: "memberOf"),
        .init("ldap-group-base", environment: "UNBLOCK_LDAP_GROUP_BASE"),
        .init("ldap-role-group", environment: "UNBLOCK_LDAP_ROLE_GROUPS", .list(separator: ";")),
        .init("ldap-disabled-when", environment: "UNBLOCK_LDAP_DISABLED_WHEN"),
        .init(
            "ldap-allow-plain-on-loopback", environment: "UNBLOCK_LDAP_ALLOW_PLAIN_ON_LOOPBACK", .toggle,
            default: "false"),
        .init("ldap-timeout", environment: "UNBLOCK_LDAP_TIMEOUT", .number(1...120), default: "5"),
        .init(
            "login-order", environment: "UNBLOCK_LOGIN_ORDER", .choice(["local-then-ldap", "ldap-only"]),
            default: "local-then-ldap"),
    ]

    private static let postgres: [SettingKey] = [
        .init("store", environment: "UNBLOCK_STORE", .choice(StoreKind.allCases.map(\.rawValue)), default: "embedded"),
        .init("postgres-url", environment: "UNBLOCK_POSTGRES_URL"),
        .init("postgres-password-file", environment: "UNBLOCK_POSTGRES_PASSWORD_FILE"),
        // No flag: a command line is visible to every local user.
        .init("postgres-password", environment: "UNBLOCK_POSTGRES_PASSWORD", isSecret: true),
    ]

    private static func number(_ name: String, _ range: ClosedRange<Int>, _ defaultValue: Int) -> SettingKey {
        .init(
            name, environment: "UNBLOCK_" + name.uppercased().replacingOccurrences(of: "-", with: "_"),
            .number(range), default: "\(defaultValue)")
    }

    /// What is wrong with a flag's value, by the same rules as the file's; nil when it is fine.
    static func check(_ values: [(name: String, value: String)]) throws {
        for (name, value) in values {
            if let problem = Setting.current.key(name).problem(with: value) {
                throw ValidationError("--\(name) \(problem)")
            }
        }
    }
}

/// The defaults the options show: the components' own, never repeated here.
private let server = ServerConfiguration.defaults
private let store = EmbeddedStore.Configuration.defaults(dataDirectory: "")
