// Everything unblockd can be told: where to listen, connection limits, session lifetimes, policies.
import Metrics
import UnblockCore
import UnblockLDAP
import UnblockProtobufBridge
import UnblockTLS
import UnblockWire

/// The server's settings, with the documented defaults.
public struct ServerConfiguration: Sendable {
    /// Where to listen (Unix domain sockets and TCP); none is valid for tests that only start the store.
    public var listeners: [BindAddress]
    /// How the TCP listeners protect what crosses them.
    public var transportSecurity = TransportSecurity.plaintext
    /// Plain TCP on a non-loopback address carries responses in clear: refused unless set.
    public var allowInsecureTCP = false
    /// Passwords and keys over plain TCP beyond loopback: refused, even with `allowInsecureTCP`, unless set.
    public var allowSecretsOverInsecureTCP = false
    /// Client certificate names (with TLS) whose connections are trusted apps, as `trustedAppUIDs` are.
    public var trustedApps: Set<String> = []
    /// Local users (by uid) whose Unix socket connections are trusted apps: their calls'
    /// `client_info` (the app, the end user's address) is recorded and limits count by it.
    public var trustedAppUIDs: Set<UInt32> = []
    public var connections = Connections()
    public var sessions = Sessions()
    public var logins = Logins()
    public var unblockPolicy = UnblockPolicy.defaults
    public var loginPolicy = LoginPolicy.defaults
    /// Whether logins ask for a one-time code (TOTP) besides the password.
    public var secondFactor = SecondFactorPolicy.off
    /// Logins checked against the organisation's directory; nil: local passwords only.
    public var directoryLogin: DirectoryLogin?
    /// The issuer authenticator apps show beside an enrolled secret.
    public var totpIssuer = "Unblock"
    /// Deadline for calls that send none.
    public var defaultTimeout: Duration = .seconds(30)
    /// How long graceful shutdown waits for calls in flight.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Where the server's metrics go (calls by method and status, durations, connections,
    /// sessions); nil keeps none, and costs nothing per call.
    public var metrics: (any MetricsFactory)?
    /// Reported by Health.
    public var version = UnblockVersion.current

    /// Limits per connection and in all.
    public struct Connections: Sendable {
        public var maximum = 1_024
        /// Connections one client (a local user, or an IP address) may hold at once.
        public var maximumPerClient = 256
        public var callsInFlight = 64
        public var maximumFrameBytes = WireLimits.defaultMaxRequestFrameBytes
        /// Bytes all connections together may hold for frames still arriving; a connection
        /// whose frame would go over is answered RESOURCE_EXHAUSTED and closed.
        public var maximumPartialFrameBytes = 64 << 20
        public var idleTimeout: Duration = .seconds(300)
        public init() {}
    }

    /// Session lifetimes and how many may exist at once.
    public struct Sessions: Sendable {
        public var idleTimeout: Duration = .seconds(15 * 60)
        public var absoluteTimeout: Duration = .seconds(8 * 3_600)
        public var maximum = 100_000
        /// Per account: one more login ends that account's least recently used session.
        public var maximumPerAccount = 32
        public init() {}
    }

    /// Password checks under way at once, so that one client, or a flood for one username,
    /// cannot fill the password workers' queue for everyone. A login over either limit is
    /// answered RESOURCE_EXHAUSTED (server busy) at once, without a check.
    public struct Logins: Sendable {
        /// Per client: a local user on the Unix socket, an IP address on TCP.
        public var maximumPerClient = 16
        /// Per username, known or not.
        public var maximumPerUsername = 4
        public init() {}
    }

    /// The organisation's directory as a login method.
    public struct DirectoryLogin: Sendable {
        public var settings: LDAPSettings
        /// Local accounts that have a password keep it (first), or the directory alone decides.
        public var localFirst: Bool

        public init(settings: LDAPSettings, localFirst: Bool = true) {
            self.settings = settings
            self.localFirst = localFirst
        }
    }

    public init(listeners: [BindAddress]) {
        self.listeners = listeners
    }

    /// The documented defaults, listening nowhere (set `listeners`).
    public static var defaults: ServerConfiguration { ServerConfiguration(listeners: []) }

    /// What protects the TCP listeners' traffic.
    public enum TransportSecurity: Sendable {
        /// None: loopback only, unless `allowInsecureTCP`.
        case plaintext
        /// TLS 1.2 or 1.3 with ALPN `unblock/1`, and client certificates as set.
        case tls(TLSServerSettings)
    }
}
