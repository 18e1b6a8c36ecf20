// The options every subcommand shares: where the server is, and whether to print JSON.
import ArgumentParser
import Foundation
import UnblockClient
import UnblockSettings
import UnblockTLS
import UnblockWire

struct ConnectionOptions: ParsableArguments {
    @Option(
        help: """
            The client configuration file (YAML; keys socket, address, host, port, tls, tls-ca, tls-cert, \
            tls-key, tls-server-name). Default: client.yaml in $XDG_CONFIG_HOME/unblock (or ~/.config/unblock), \
            else /etc/unblock/client.yaml. [env: UNBLOCK_CLIENT_CONFIG]
            """)
    var config: String?

    @Option(
        help: """
            The server's Unix domain socket; several, comma-separated, for nodes that share a store (the \
            next is used when one cannot answer). [env: UNBLOCK_SOCKET] (default: \(Self.defaultSocket))
            """)
    var socket: String?

    @Option(
        help: """
            The server's TCP host (instead of the socket); several, comma-separated, for nodes that share \
            a store. [env: UNBLOCK_ADDRESS=HOST:PORT[,HOST:PORT...]]
            """)
    var host: String?

    @Option(help: "The server's TCP port. (default: \(BindAddress.defaultPort))")
    var port: Int?

    @Flag(help: "Reach the TCP host over TLS. [env: UNBLOCK_TLS=1]")
    var tls = false

    @Option(help: "PEM CAs to trust for TLS (default: the system's). [env: UNBLOCK_TLS_CA]")
    var tlsCa: String?

    @Option(help: "PEM client certificate, for a server that asks for one. [env: UNBLOCK_TLS_CERT]")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert. [env: UNBLOCK_TLS_KEY]")
    var tlsKey: String?

    @Option(help: "The name the server's certificate carries, if not the host's. [env: UNBLOCK_TLS_SERVER_NAME]")
    var tlsServerName: String?

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    /// Where the packaged systemd unit (Packaging/unblockd.service) puts the server's socket.
    static let defaultSocket = "/run/unblockd/unblockd.sock"

    /// The server to talk to: the flags, else the environment, else the client configuration
    /// file, else the default socket. Socket paths are made absolute, so that a saved session
    /// names one server wherever the next command runs.
    /// - Throws: a reported `ExitCode` (64) for an address that does not parse.
    func server() throws -> Server {
        do {
            return try resolveServer()
        } catch let error as CLIError {
            throw report(error)
        }
    }

    private func resolveServer() throws -> Server {
        var server = try resolveAddress()
        guard server.addresses.contains(where: { if case .hostname = $0 { true } else { false } }) else {
            return server
        }
        let settings = TLSClientSettings(
            trustRootsFile: tlsCa ?? Setting.text("tls-ca"),
            certificateChainFile: tlsCert ?? Setting.text("tls-cert"),
            privateKeyFile: tlsKey ?? Setting.text("tls-key"),
            serverName: tlsServerName ?? Setting.text("tls-server-name"))
        if tls || Setting.toggle("tls") || settings != TLSClientSettings() {
            server.tls = settings
        }
        return server
    }

    private func resolveAddress() throws -> Server {
        if let host {
            return Server(
                Self.list(host).map { .hostname($0, port: port ?? BindAddress.defaultPort) },
                origin: "given with --host")
        }
        if let port { return Server([.hostname("127.0.0.1", port: port)], origin: "given with --port") }
        if let socket {
            return Server(
                Self.list(socket).map { .unixDomainSocket(path: Self.absolute($0)) }, origin: "given with --socket")
        }
        // The environment's socket or address, then the file's: the environment wins as a whole.
        let settings = Setting.current
        let fromEnvironment = { (name: String) in
            if case .environment = settings.origin(of: name) { true } else { false }
        }
        for layer in [fromEnvironment, { !fromEnvironment($0) }] {
            if layer("socket"), let socket = settings.text("socket") {
                return Server(
                    Self.list(socket).map { .unixDomainSocket(path: Self.absolute($0)) },
                    origin: Self.origin(of: "socket"))
            }
            if layer("address"), let text = settings.text("address") {
                let addresses = try Self.list(text).map { address in
                    guard let parsed = BindAddress(parsing: address), case .hostname = parsed else {
                        throw CLIError(
                            .usage,
                            "\(Self.origin(of: "address")): \"\(address)\" is not HOST:PORT (for example 127.0.0.1:8625)"
                        )
                    }
                    return parsed
                }
                return Server(addresses, origin: Self.origin(of: "address"))
            }
        }
        if settings.text("host") != nil || settings.text("port") != nil {
            let port = settings.number("port") ?? BindAddress.defaultPort
            return Server(
                Self.list(settings.text("host") ?? "127.0.0.1").map { .hostname($0, port: port) },
                origin: "from \(settings.file ?? "the configuration file")")
        }
        return Server([.unixDomainSocket(path: Self.defaultSocket)], origin: "the default")
    }

    /// The comma-separated items of `text`.
    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// "from UNBLOCK_SOCKET", "from /etc/unblock/client.yaml".
    private static func origin(of name: String) -> String {
        switch Setting.current.origin(of: name) {
        case .environment(let variable): "from \(variable)"
        case .file(let path): "from \(path)"
        case .defaultValue, .unset: "the default"
        }
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// A client for `server`, over TLS when it says.
    /// - Throws: a reported `ExitCode` (64) when a TLS file cannot be used, naming it.
    func client(_ server: Server, session: SessionFile.Session? = nil) throws -> UnblockClient {
        let client: UnblockClient
        do {
            client = try UnblockClient.to(server.addresses, tls: server.tls, timeout: .seconds(30))
        } catch {
            throw report(CLIError(.usage, "TLS: \(error)"))
        }
        if let session { client.sessionToken = session.token }
        return client
    }

    /// The saved session, if it was made with this server.
    /// - Throws: a reported `ExitCode` (65) when there is none, or it belongs to another server:
    ///   a token is only ever sent to the server that issued it.
    func session(for server: Server) throws -> SessionFile.Session {
        guard let session = SessionFile.load() else {
            throw report(CLIError(.notLoggedIn, "not logged in; run `unblockctl login --user NAME` first"))
        }
        guard session.server == server.name else {
            throw report(
                CLIError(
                    .notLoggedIn,
                    "your session is with the server at \(session.server), not \(server.name); "
                        + "log in to this one with `unblockctl login --user NAME`"))
        }
        return session
    }
}

/// A server address, how to reach it (TLS), and where it came from (for messages when it
/// cannot be reached).
struct Server {
    /// One address, or several nodes sharing a store (the client moves on when one cannot answer).
    let addresses: [BindAddress]
    let origin: String
    var tls: TLSClientSettings?

    init(_ addresses: [BindAddress], origin: String) {
        self.addresses = addresses
        self.origin = origin
    }

    /// The addresses as messages and the saved session name them, comma-separated.
    var name: String { addresses.map(\.description).joined(separator: ",") }
}

extension UnblockClient {
    /// A client for `address`, over TLS when `tls` is given.
    static func to(_ addresses: [BindAddress], tls: TLSClientSettings?, timeout: Duration) throws(TLSSetupError)
        -> UnblockClient
    {
        guard let tls else { return UnblockClient(targets: addresses, defaultTimeout: timeout) }
        return try UnblockClient(targets: addresses, tls: tls, defaultTimeout: timeout)
    }
}
