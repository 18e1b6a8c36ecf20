// The client's side of TLS: the handshake done before the first call, its failure in words.
import NIOCore
import NIOSSL
import NIOTLS
import UnblockTLS

/// Completes `handshake` when TLS is up, or fails it with the reason the connection failed.
final class HandshakeWaiter: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    let handshake: EventLoopPromise<Void>
    private var finished = false

    init(_ handshake: EventLoopPromise<Void>) { self.handshake = handshake }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { finish(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !finished {
            finish(.failure(error))
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.eof))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Void, any Error>) {
        guard !finished else { return }
        finished = true
        handshake.completeWith(result)
    }
}

extension ConnectFailure {
    /// A failed handshake as the person running the client can act on it.
    static func tlsReason(_ error: any Error) -> String? {
        switch error {
        case let error as NIOSSLError:
            let text = "\(error)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return "TLS: the server's certificate is not trusted (unknown CA, expired, or not for this name)"
            }
            if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE") {
                return "TLS: the server refused the handshake (does it want a client certificate?)"
            }
            return "TLS: \(text)"
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return "TLS: the server's certificate is not trusted: it names another host "
                + "(if the server is reached by another name, give that name as the TLS server name)"
        case let error as NIOSSLExtraError:
            return "TLS: \(error)"
        case ChannelError.eof:
            return "TLS: the server closed the connection during the handshake (is it a TLS port?)"
        default:
            return nil
        }
    }
}
