// Tells a server that does not speak the Unblock protocol from a broken one, by its first bytes.
import NIOCore

/// What a peer that is not unblockd looks like from here.
struct ForeignServer: Error {
    /// A guess at what answered, e.g. "an HTTP server?"; nil when nothing is recognisable.
    let guess: String?

    var message: String {
        "this address does not speak the Unblock protocol" + (guess.map { " (\($0))" } ?? "")
    }
}

/// Looks at the first bytes the server sends, then steps out of the pipeline. An HTTP answer
/// ("HTTP/1.1 400 ...") would otherwise be read as a frame of 1,213,486,160 bytes.
final class ForeignServerDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let signatures: [(prefix: String, guess: String)] = [
        ("HTTP/", "an HTTP server?"), ("SSH-", "an SSH server?"), ("\u{16}\u{03}", "a TLS server?"),
        ("220", "a mail or FTP server?"),
    ]

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let start = buffer.getString(at: buffer.readerIndex, length: min(5, buffer.readableBytes)) ?? ""
        if let match = Self.signatures.first(where: { start.hasPrefix($0.prefix) }) {
            context.fireErrorCaught(ForeignServer(guess: match.guess))
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
