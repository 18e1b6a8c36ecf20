// TLS on the TCP listener: the current certificate (reloaded on SIGHUP), and who a client
// certificate says is calling.
import Foundation
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization
import UnblockTLS

/// The listener's TLS context: each new connection takes the current one, so that a reload
/// reaches new connections while open ones keep theirs.
final class ReloadableTLS: Sendable {
    let settings: TLSServerSettings
    private let current: Mutex<NIOSSLContext>

    init(_ settings: TLSServerSettings, logger: Logger) throws(TLSSetupError) {
        self.settings = settings
        let loaded = try settings.load()
        current = Mutex(loaded.context)
        Self.warnIfExpiring(loaded, settings: settings, logger: logger)
    }

    var context: NIOSSLContext { current.withLock { $0 } }

    /// Reads the files again; on any error the current certificate stays and the error is thrown.
    func reload(logger: Logger) throws(TLSSetupError) {
        let loaded = try settings.load()
        current.withLock { $0 = loaded.context }
        Self.warnIfExpiring(loaded, settings: settings, logger: logger)
    }

    private static func warnIfExpiring(_ loaded: ServerTLS, settings: TLSServerSettings, logger: Logger) {
        let expiry = loaded.certificateExpiry.formatted(.iso8601)
        if loaded.certificateExpiry < .now {
            logger.warning(
                "the TLS certificate has expired: clients will refuse it",
                metadata: ["file": "\(settings.certificateChainFile)", "expired": "\(expiry)"])
        } else if loaded.certificateExpiry < .now + 14 * 86_400 {
            logger.warning(
                "the TLS certificate expires within 14 days",
                metadata: ["file": "\(settings.certificateChainFile)", "expires": "\(expiry)"])
        }
    }
}

/// What TLS says of a connection's client once the handshake is done: the app its
/// certificate names, and whether the operator trusts that app.
final class TLSPeer: Sendable {
    private let state = Mutex<(app: String?, trusted: Bool)>((nil, false))

    var app: String? { state.withLock { $0.app } }
    var isTrustedApp: Bool { state.withLock { $0.trusted } }

    func certified(app: String?, trusted: Bool) { state.withLock { $0 = (app, trusted) } }
}

/// Reads the client's certificate when the handshake completes. Frames arrive only after
/// it, so every call of the connection sees the name.
final class TLSPeerReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let peer: TLSPeer
    private let trustedApps: Set<String>

    init(peer: TLSPeer, trustedApps: Set<String>) {
        self.peer = peer
        self.trustedApps = trustedApps
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event,
            let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
            let certificate = tls.peerCertificate
        {
            let app = UnblockTLS.appName(of: certificate)
            peer.certified(app: app, trusted: app.map(trustedApps.contains) ?? false)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
