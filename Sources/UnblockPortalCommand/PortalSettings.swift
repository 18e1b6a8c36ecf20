// Every option of unblock-portal as a setting: its key in unblock-portal.yaml, its variable, its default.
import ArgumentParser
import UnblockSettings

enum PortalSettings {
    static let defaultFile = "/etc/unblock/unblock-portal.yaml"
    static let fileVariable = "UNBLOCK_PORTAL_CONFIG"

    static let keys: [SettingKey] = [
        .init("listen", environment: "UNBLOCK_PORTAL_LISTEN", default: "127.0.0.1:8080"),
        // UNBLOCK_SOCKET and UNBLOCK_ADDRESS, unblockctl's, are read too (UnblockPortalCommand.server).
        .init("server", environment: "UNBLOCK_PORTAL_SERVER"),
        .init("allow-insecure-http", environment: "UNBLOCK_PORTAL_ALLOW_INSECURE_HTTP", .toggle, default: "false"),
        .init("behind-https-proxy", environment: "UNBLOCK_PORTAL_BEHIND_HTTPS_PROXY", .toggle, default: "false"),
        .init("tls-cert", environment: "UNBLOCK_PORTAL_TLS_CERT"),
        .init("tls-key", environment: "UNBLOCK_PORTAL_TLS_KEY"),
        .init("server-tls", environment: "UNBLOCK_TLS", .toggle, default: "false"),
        .init("server-tls-ca", environment: "UNBLOCK_TLS_CA"),
        .init("server-tls-cert", environment: "UNBLOCK_TLS_CERT"),
        .init("server-tls-key", environment: "UNBLOCK_TLS_KEY"),
        .init("server-tls-name", environment: "UNBLOCK_TLS_SERVER_NAME"),
    ]
}

/// `--config FILE`, read before the arguments are parsed; declared for the help and the parser.
struct PortalConfigFileOption: ParsableArguments {
    @Option(
        help: """
            The configuration file (YAML: one KEY: VALUE per option, named as the option without \
            its dashes). Default: \(PortalSettings.defaultFile) when it exists. \
            [env: \(PortalSettings.fileVariable)]
            """)
    var config: String?
}
