// The options every subcommand shares: where the server is, and whether to print JSON.
import ArgumentParser
import Foundation
import UnblockClient
import UnblockWire

struct ConnectionOptions: ParsableArguments {
    @Option(help: "The server's Unix domain socket. [env: UNBLOCK_SOCKET] (default: var/unblockd.sock)")
    var socket: String?

    @Option(help: "The server's TCP host (instead of the socket). [env: UNBLOCK_ADDRESS=HOST:PORT]")
    var host: String?

    @Option(help: "The server's TCP port. (default: \(BindAddress.defaultPort))")
    var port: Int?

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    /// Flags first, then the environment, then the socket `Scripts/serve` uses.
    var target: BindAddress {
        if let host { return .hostname(host, port: port ?? BindAddress.defaultPort) }
        if let port { return .hostname("127.0.0.1", port: port) }
        if let socket { return .unixDomainSocket(path: socket) }
        let environment = ProcessInfo.processInfo.environment
        if let socket = environment["UNBLOCK_SOCKET"], !socket.isEmpty { return .unixDomainSocket(path: socket) }
        if let address = environment["UNBLOCK_ADDRESS"], let parsed = BindAddress(parsing: address) { return parsed }
        return .unixDomainSocket(path: "var/unblockd.sock")
    }

    func client(session: SessionFile.Session? = nil) -> UnblockClient {
        let client = UnblockClient(target: target, defaultTimeout: .seconds(30))
        if let session { client.sessionToken = session.token }
        return client
    }
}
