// Who is at the other end of a connection, as far as the operating system can tell.
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The client of a connection: the local user of a Unix socket (from SO_PEERCRED), or the
/// IP address of a TCP peer. Audit events name it, and the per-client limits count by it.
package enum ClientIdentity: Hashable, Sendable, CustomStringConvertible {
    case localUser(uid: UInt32)
    case remote(host: String)
    case unknown

    package var description: String {
        switch self {
        case .localUser(let uid): "uid \(uid)"
        case .remote(let host): host
        case .unknown: "unknown"
        }
    }

    /// Whether this is a Unix socket client whose uid is one of `uids`.
    func isLocalUser(in uids: Set<UInt32>) -> Bool {
        if case .localUser(let uid) = self { uids.contains(uid) } else { false }
    }

    /// The client of `channel`, read on its event loop as it is accepted.
    static func of(_ channel: any Channel) -> EventLoopFuture<ClientIdentity> {
        if case .unixDomainSocket? = channel.localAddress, let provider = channel as? any SocketOptionProvider {
            let credentials: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            return credentials.map { ClientIdentity.localUser(uid: $0.uid) }.recover { _ in ClientIdentity.unknown }
        }
        if let host = channel.remoteAddress?.ipAddress {
            return channel.eventLoop.makeSucceededFuture(.remote(host: host))
        }
        return channel.eventLoop.makeSucceededFuture(.unknown)
    }
}

/// Linux's `struct ucred` (which Swift's Glibc module does not export): what SO_PEERCRED reads.
private struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// One connection: its number in the server's log, its client, what TLS says of it, and
/// whether the operator trusts that client as an app calling for others (its calls'
/// `client_info` is honoured).
package struct ConnectionIdentity: Sendable {
    let id: UInt64
    let client: ClientIdentity
    /// Set on a TLS connection; its app is known once the handshake is done.
    let tls: TLSPeer?
    private let isTrustedUser: Bool
    /// Passwords and keys may cross it although it is plain TCP beyond loopback (the operator said so).
    let secretsAllowedInClear: Bool

    package init(id: UInt64, client: ClientIdentity, isTrustedApp: Bool = false) {
        self.init(id: id, client: client, tls: nil, isTrustedUser: isTrustedApp, secretsAllowedInClear: false)
    }

    init(id: UInt64, client: ClientIdentity, tls: TLSPeer?, isTrustedUser: Bool, secretsAllowedInClear: Bool) {
        self.id = id
        self.client = client
        self.tls = tls
        self.isTrustedUser = isTrustedUser
        self.secretsAllowedInClear = secretsAllowedInClear
    }

    /// A local user the operator trusts, or a client certificate naming a trusted app.
    var isTrustedApp: Bool { isTrustedUser || tls?.isTrustedApp == true }
}

/// The open connections of each client, for the per-client limit.
final class ClientConnectionCounts: Sendable {
    private let counts = Mutex(CountsByKey<ClientIdentity>())

    /// Counts one more connection of `client`, unless it already has `limit`.
    func add(_ client: ClientIdentity, limit: Int) -> Bool {
        counts.withLock { $0.take(client, limit: limit) }
    }

    func remove(_ client: ClientIdentity) {
        counts.withLock { $0.give(client) }
    }
}
