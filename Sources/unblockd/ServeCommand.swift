// `unblockd serve` (the default): opens the store, starts the crypto pool and the listeners, runs until SIGTERM.
import ArgumentParser
import CUnblockSystem
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnblockCore
import UnblockCrypto
import UnblockLogging
import UnblockMetricsEndpoint
import UnblockPostgres
import UnblockServer
import UnblockSettings
import UnblockStore
import UnblockSystemd
import UnblockWire

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server (the default command).",
        discussion: """
            Every option can also be set by an environment variable, named in its help, or in the \
            configuration file (--config, else /etc/unblock/unblockd.yaml) by its name without the \
            dashes: a flag wins over the environment, which wins over the file. SIGTERM or SIGINT stop the server gracefully: no \
            new calls, calls in flight finish, a final snapshot is written, exit status 0.
            """
    )

    @OptionGroup var file: ConfigFileOption

    @Option(
        help: """
            The data directory (created if missing); with --store postgres it holds the master key only. \
            [env: UNBLOCK_DATA_DIR]
            """)
    var dataDir = Setting.string("data-dir")

    @Option(
        name: .customLong("store"),
        help: """
            embedded (the journal and snapshots in the data directory: one node) or postgres (a database \
            several nodes share: --postgres-url). [env: UNBLOCK_STORE]
            """)
    var storeKind = StoreKind(rawValue: Setting.string("store"))!

    @OptionGroup(title: "The PostgreSQL store (--store postgres)")
    var postgres: PostgresOptions

    @Option(help: "Unix domain socket path, or none. [env: UNBLOCK_UNIX_SOCKET]")
    var unixSocket = Setting.string("unix-socket")

    @Option(
        help: """
            TCP address HOST:PORT (e.g. 127.0.0.1:\(BindAddress.defaultPort)), or none: off by default, \
            since any local user can reach a TCP port while the Unix socket admits only its group. \
            [env: UNBLOCK_TCP]
            """)
    var tcp = Setting.string("tcp")

    @Flag(
        help: """
            Allow plain TCP (no --tls-cert) on a non-loopback address: only for tests or an otherwise \
            protected network. [env: UNBLOCK_ALLOW_INSECURE_TCP=1]
            """)
    var allowInsecureTcp = Setting.toggle("allow-insecure-tcp")

    @OptionGroup(title: "The master key")
    var masterKey: MasterKeyPassphraseOptions

    @OptionGroup(title: "TLS on the TCP listener")
    var tls: ServerTLSOptions

    @OptionGroup(title: "Second factor")
    var secondFactor: SecondFactorOptions

    @OptionGroup(title: "Logins against the organisation's directory (LDAP, Active Directory)")
    var directory: DirectoryOptions

    @Option(
        help: """
            A local user (name or uid) whose connections over the Unix socket are a trusted app, such \
            as unblock-portal: the person and browser address it names in a call are recorded in the \
            audit and count for the login limits. Repeatable. [env: UNBLOCK_TRUSTED_APP_USERS, comma-separated]
            """)
    var trustedAppUser = Setting.list("trusted-app-user")

    @Option(
        help: """
            Serve metrics for Prometheus over HTTP at HOST:PORT (GET /metrics), or none. \
            [env: UNBLOCK_METRICS]
            """)
    var metrics = Setting.string("metrics")

    @Flag(
        help: """
            Allow --metrics on a non-loopback address: the endpoint has no authentication, and \
            its figures tell who uses the service how much. [env: UNBLOCK_ALLOW_REMOTE_METRICS=1]
            """)
    var allowRemoteMetrics = Setting.toggle("allow-remote-metrics")

    @Option(help: "Import this directory file when the data directory is empty. [env: UNBLOCK_IMPORT]")
    var `import` = Setting.text("import") ?? ""

    @Option(help: "When the journal syncs: always, everysec or none. [env: UNBLOCK_FSYNC]")
    var fsync = FsyncPolicy(rawValue: Setting.string("fsync"))!

    @Option(
        help: """
            MiB of zeros each journal file is written with ahead of use, so that a sync writes only \
            the records, not the file's size; 0 lets journal files grow. [env: UNBLOCK_JOURNAL_PREALLOCATE]
            """)
    var journalPreallocate: Int = Setting.number("journal-preallocate")

    @Option(
        help: """
            Days the audit trail is kept on disk (audit-*.trail in the data directory); 0 keeps none \
            beyond the latest events held in memory. [env: UNBLOCK_AUDIT_RETENTION_DAYS]
            """)
    var auditRetentionDays: Int = Setting.number("audit-retention-days")

    @Option(help: "Responses allowed per card per 24 hours. [env: UNBLOCK_RESPONSES_PER_DAY]")
    var responsesPerDay: Int = Setting.number("responses-per-day")

    @Option(
        help: """
            Password checks one client (a local user, or an IP address) may have under way; \
            more are refused at once as server busy. [env: UNBLOCK_MAX_LOGINS_PER_CLIENT]
            """)
    var maxLoginsPerClient: Int = Setting.number("max-logins-per-client")

    @Option(help: "Consecutive failed logins that lock an account. [env: UNBLOCK_MAX_LOGIN_FAILURES]")
    var maxLoginFailures: UInt32 = Setting.number("max-login-failures")

    @Option(help: "PBKDF2 iterations for passwords hashed by this server. [env: UNBLOCK_PASSWORD_ITERATIONS]")
    var passwordIterations: Int = Setting.number("password-iterations")

    @Option(help: "Maximum open connections. [env: UNBLOCK_MAX_CONNECTIONS]")
    var maxConnections: Int = Setting.number("max-connections")

    @Option(
        help: """
            Maximum open connections of one client: a local user (Unix socket) or an IP address \
            (TCP). [env: UNBLOCK_MAX_CONNECTIONS_PER_CLIENT]
            """)
    var maxConnectionsPerClient: Int = Setting.number("max-connections-per-client")

    @Option(help: "Calls in flight per connection; more wait. [env: UNBLOCK_CALLS_IN_FLIGHT]")
    var callsInFlight: Int = Setting.number("calls-in-flight")

    @Option(help: "Seconds before an idle connection is closed. [env: UNBLOCK_IDLE_TIMEOUT]")
    var idleTimeout: Int = Setting.number("idle-timeout")

    @Option(help: "Seconds of inactivity that end a session. [env: UNBLOCK_SESSION_IDLE_TIMEOUT]")
    var sessionIdleTimeout: Int = Setting.number("session-idle-timeout")

    @Option(help: "Seconds after login that end a session. [env: UNBLOCK_SESSION_LIFETIME]")
    var sessionLifetime: Int = Setting.number("session-lifetime")

    @Option(
        help:
            "Sessions kept at once; when full, the least recently used end first. [env: UNBLOCK_MAX_SESSIONS]")
    var maxSessions: Int = Setting.number("max-sessions")

    @Option(
        help: """
            Sessions one user may hold; one more login ends that user's least recently used. \
            [env: UNBLOCK_MAX_SESSIONS_PER_USER]
            """)
    var maxSessionsPerUser: Int = Setting.number("max-sessions-per-user")

    @Flag(help: "Let crypto callers and idle workers spin briefly (lower latency at low load, more CPU).")
    var poolSpin = Setting.toggle("pool-spin")

    @Option(
        help: """
            Every audit event as a JSON line, in commit order, for a SIEM: FILE (reopened on SIGHUP, \
            for logrotate), stdout, or none. [env: UNBLOCK_AUDIT_LOG]
            """)
    var auditLog = Setting.string("audit-log")

    @Option(help: "Log lines as text (for people) or json (one object per line, for a SIEM). [env: UNBLOCK_LOG_FORMAT]")
    var logFormat = LogFormat(rawValue: Setting.string("log-format"))!

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: UNBLOCK_LOG_LEVEL]")
    var logLevel = Logger.Level(rawValue: Setting.string("log-level"))!

    func validate() throws {
        try UnblockdSettings.check([
            ("responses-per-day", "\(responsesPerDay)"), ("max-login-failures", "\(maxLoginFailures)"),
            ("max-logins-per-client", "\(maxLoginsPerClient)"), ("password-iterations", "\(passwordIterations)"),
            ("max-connections", "\(maxConnections)"), ("max-connections-per-client", "\(maxConnectionsPerClient)"),
            ("calls-in-flight", "\(callsInFlight)"), ("idle-timeout", "\(idleTimeout)"),
            ("session-idle-timeout", "\(sessionIdleTimeout)"), ("session-lifetime", "\(sessionLifetime)"),
            ("max-sessions", "\(maxSessions)"), ("max-sessions-per-user", "\(maxSessionsPerUser)"),
            ("journal-preallocate", "\(journalPreallocate)"), ("audit-retention-days", "\(auditRetentionDays)"),
        ])
        if metrics != "none" {
            guard case .hostname(let host, _)? = BindAddress(parsing: metrics) else {
                throw ValidationError("--metrics takes HOST:PORT (for example 127.0.0.1:9625) or none")
            }
            guard BindAddress.isLoopback(host: host) || allowRemoteMetrics else {
                throw ValidationError(
                    "--metrics \(metrics) is not a loopback address: anyone who reaches it reads the metrics, "
                        + "unauthenticated; use 127.0.0.1, or add --allow-remote-metrics")
            }
        }
        for user in trustedAppUser where Self.uid(of: user) == nil {
            throw ValidationError("--trusted-app-user \(user): no such local user (give a user name or a uid)")
        }
        if tcp == "none" && unixSocket == "none" {
            throw ValidationError("--unix-socket and --tcp are both none: the server would have nothing to listen on")
        }
        if tcp != "none" && BindAddress(parsing: tcp) == nil {
            throw ValidationError("--tcp takes HOST:PORT (for example 127.0.0.1:\(BindAddress.defaultPort)) or none")
        }
    }

    func run() async throws {
        let level = logLevel
        logFormat.bootstrap(level: level)
        let logger = Logger(label: "unblockd")
        // The process will hold the master key and open admin keys: no core file may keep them.
        if unblock_disable_core_dumps() != 0 {
            logger.warning("cannot turn core dumps off", metadata: ["error": "\(String(cString: strerror(errno)))"])
        }

        let prometheus = BindAddress(parsing: metrics).map { makePrometheus(at: $0, logger: logger) }
        let auditFile: AuditLogFile? =
            switch auditLog {
            case "none": nil
            case "stdout": try AuditLogFile(.standardOutput, logger: logger)
            default: try AuditLogFile(.file(auditLog), logger: logger)
            }
        let opened = try await openStore(metrics: prometheus?.factory, auditFile: auditFile)
        let store = opened.store
        if !self.import.isEmpty { try await importIfEmpty(self.import, into: opened, logger: logger) }

        var pool = CryptoPool.Configuration.defaults
        pool.passwordIterations = passwordIterations
        if !poolSpin {
            // Spinning buys microseconds at low load but costs the cooperative threads under load.
            pool.callerSpin = .zero
            pool.cipherIdleSpin = .zero
        }
        let cryptoPool = try CryptoPool(configuration: pool)

        var configuration = try serverConfiguration()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: CryptoPoolService(pool: cryptoPool)),
            .init(service: StoreService(store: store)),
        ]
        if let prometheus {
            configuration.metrics = prometheus.factory
            services.append(.init(service: prometheus.endpoint))
        }
        let server = try UnblockServer(
            configuration: configuration, store: store, masterKeys: opened.masterKeys,
            decoyPasswordIterations: opened.passwordIterations, pool: cryptoPool, logger: logger)
        services.append(.init(service: server))
        services.append(
            .init(service: ReloadOnHangup(server: server, auditLog: auditFile, logger: logger)))
        if SystemdNotify.socketPath != nil {
            services.append(.init(service: SystemdNotification(server: server, logger: logger)))
        }
        if configuration.allowInsecureTCP, case .plaintext = configuration.transportSecurity {
            logger.warning(
                "plain TCP beyond loopback is allowed (--allow-insecure-tcp): responses cross the network in clear")
        }
        if configuration.allowSecretsOverInsecureTCP {
            logger.warning(
                """
                passwords and keys are accepted over plain TCP from other hosts \
                (--danger-allow-secrets-over-plaintext-tcp): anyone on the network path can read them
                """)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.info("stopped")
    }

    /// A Prometheus registry for the server's metrics, and the endpoint that serves it.
    private func makePrometheus(at address: BindAddress, logger: Logger) -> (
        factory: any MetricsFactory, endpoint: MetricsEndpoint
    ) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Calls take microseconds to milliseconds, not the default's 5 ms to 10 s.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .milliseconds(250),
            .seconds(1), .seconds(5),
        ]
        let endpoint = MetricsEndpoint(address: address, logger: logger) {
            var text: [UInt8] = []
            registry.emit(into: &text)
            return text
        }
        return (factory, endpoint)
    }

    private func serverConfiguration() throws -> ServerConfiguration {
        var listeners: [BindAddress] = []
        let socket = unixSocket.replacingOccurrences(of: "DATA_DIR", with: dataDir)
        if socket != "none" { listeners.append(.unixDomainSocket(path: socket)) }
        if tcp != "none", let address = BindAddress(parsing: tcp) { listeners.append(address) }
        var configuration = ServerConfiguration.defaults
        configuration.listeners = listeners
        configuration.allowInsecureTCP = allowInsecureTcp
        configuration.transportSecurity = tls.transportSecurity
        configuration.trustedApps = Set(tls.trustedApp)
        configuration.allowSecretsOverInsecureTCP = tls.allowSecretsOverPlaintextTCP
        configuration.trustedAppUIDs = Set(trustedAppUser.compactMap(Self.uid(of:)))
        configuration.connections.maximum = maxConnections
        configuration.connections.maximumPerClient = maxConnectionsPerClient
        configuration.connections.callsInFlight = callsInFlight
        configuration.connections.idleTimeout = .seconds(idleTimeout)
        configuration.sessions.idleTimeout = .seconds(sessionIdleTimeout)
        configuration.sessions.absoluteTimeout = .seconds(sessionLifetime)
        configuration.sessions.maximum = maxSessions
        configuration.sessions.maximumPerAccount = maxSessionsPerUser
        configuration.unblockPolicy.maxResponsesPerWindow = responsesPerDay
        configuration.loginPolicy.maxConsecutiveFailures = maxLoginFailures
        secondFactor.apply(to: &configuration)
        configuration.directoryLogin = try directory.directoryLogin()
        configuration.logins.maximumPerClient = maxLoginsPerClient
        return configuration
    }

    /// The uid of a local user given by name or number.
    static func uid(of user: String) -> UInt32? {
        if let uid = UInt32(user) { return uid }
        return getpwnam(user).map { $0.pointee.pw_uid }
    }
}

extension FsyncPolicy: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
