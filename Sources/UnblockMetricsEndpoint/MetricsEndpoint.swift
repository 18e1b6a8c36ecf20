// Serves the metrics to scrapers over HTTP: GET /metrics in Prometheus' text format, nothing else.
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnblockServer
import UnblockWire

/// An HTTP listener for a metrics scraper, as a `Service` (stops at graceful shutdown).
///
/// Each connection gets one answer and is closed; one that sends no complete request within
/// 10 seconds is closed too, and at most `maximumConnections` are open at once: a scraper
/// asks every few seconds, nothing else needs more. The text comes from `exposition` (for
/// instance a Prometheus registry's), made on the event loop when asked.
public final class MetricsEndpoint: Service, Sendable {
    /// Scrape connections open at once; more are closed as they arrive.
    public static let maximumConnections = 16
    let address: BindAddress
    let exposition: @Sendable () -> [UInt8]
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    private let openConnections = Atomic(0)

    /// - Parameter address: a TCP address (port 0 picks one; the bound address is logged).
    public init(
        address: BindAddress,
        logger: Logger,
        group: MultiThreadedEventLoopGroup = .singleton,
        exposition: @escaping @Sendable () -> [UInt8]
    ) {
        self.address = address
        self.exposition = exposition
        self.logger = logger
        self.group = group
    }

    /// Listens until graceful shutdown.
    /// - Throws: `ServerError` when the address cannot be listened on (named, with the reason).
    public func run() async throws {
        guard case .hostname(let host, let port) = address else {
            throw ServerError("--metrics takes HOST:PORT, not a socket path")
        }
        let channel: any Channel
        do {
            channel = try await bootstrap().bind(host: host, port: port).get()
        } catch {
            throw ServerError(listeningOn: address, error, option: "--metrics")
        }
        let bound = channel.localAddress?.port ?? port
        logger.info("metrics", metadata: ["url": "http://\(BindAddress.hostname(host, port: bound))/metrics"])
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    private func bootstrap() -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard openConnections.wrappingAdd(1, ordering: .relaxed).oldValue < Self.maximumConnections
                    else {
                        openConnections.subtract(1, ordering: .relaxed)
                        channel.close(promise: nil)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in self.openConnections.subtract(1, ordering: .relaxed) }
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .seconds(10)))
                    try pipeline.addHandler(MetricsRequestHandler(exposition: exposition))
                }
            }
    }
}

/// Answers one request on a metrics connection, then closes it.
private final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let exposition: @Sendable () -> [UInt8]
    private var head: HTTPRequestHead?

    init(exposition: @escaping @Sendable () -> [UInt8]) { self.exposition = exposition }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break  // none expected; discarded as it arrives
        case .end:
            guard let head else { return }
            let found = head.method == .GET && head.uri.split(separator: "?").first == "/metrics"
            let body = found ? exposition() : Array("only GET /metrics is served here\n".utf8)
            let headers = HTTPHeaders([
                ("Content-Type", found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8"),
                ("Content-Length", "\(body.count)"), ("Connection", "close"),
            ])
            let status: HTTPResponseStatus = found ? .ok : .notFound
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
