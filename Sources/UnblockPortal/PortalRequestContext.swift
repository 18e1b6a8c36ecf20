// What the portal knows of a request besides the request itself: the browser's address.
import Hummingbird
import NIOCore
import UnblockWire

/// A request's context: Hummingbird's, plus the address the browser connects from, which
/// the portal passes on to unblockd with each call (`client_info`).
public struct PortalRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Whom the portal calls for: itself, for the browser at this address.
    var clientInfo: ClientInfo {
        ClientInfo(app: "unblock-portal", endUserAddress: remoteAddress?.ipAddress ?? "")
    }
}
