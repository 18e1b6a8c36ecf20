// The options every subcommand shares: where the server is, and whether to print JSON.
import ArgumentParser
import Foundation
import UnblockClient
import UnblockTLS
import UnblockWire

struct ConnectionOptions: ParsableArguments {
    @Option(help: "The server's Unix domain socket. [env: UNBLOCK_SOCKET] (default: \(Self.defaultSocket))")
    var socket: String?

    @Option(help: "The server's TCP host (instead of the socket). [env: UNBLOCK_ADDRESS=HOST:PORT]")
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

    /// Where the systemd unit (Examples/systemd) puts the server's socket.
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
        guard case .hostname = server.address else { return server }
        // TLS: each setting from its flag, else the environment, else the configuration file.
        let environment = ProcessInfo.processInfo.environment
        let file = try ClientConfigFile.load()?.file
        func setting(_ flag: String?, _ variable: String, _ key: KeyPath<ClientConfigFile, String?>) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? file?[keyPath: key]
        }
        let settings = TLSClientSettings(
            trustRootsFile: setting(tlsCa, "UNBLOCK_TLS_CA", \.tlsCA),
            certificateChainFile: setting(tlsCert, "UNBLOCK_TLS_CERT", \.tlsCert),
            privateKeyFile: setting(tlsKey, "UNBLOCK_TLS_KEY", \.tlsKey),
            serverName: setting(tlsServerName, "UNBLOCK_TLS_SERVER_NAME", \.tlsServerName))
        if tls || environment["UNBLOCK_TLS"] == "1" || file?.tls == true || settings != TLSClientSettings() {
            server.tls = settings
        }
        return server
    }

    private func resolveAddress() throws -> Server {
        if let host {
            return Server(.hostname(host, port: port ?? BindAddress.defaultPort), origin: "given with --host")
        }
        if let port { return Server(.hostname("127.0.0.1", port: port), origin: "given with --port") }
        if let socket { return Server(.unixDomainSocket(path: Self.absolute(socket)), origin: "given with --socket") }
        let environment = ProcessInfo.processInfo.environment
        if let socket = environment["UNBLOCK_SOCKET"], !socket.isEmpty {
            return Server(.unixDomainSocket(path: Self.absolute(socket)), origin: "from UNBLOCK_SOCKET")
        }
        if let address = environment["UNBLOCK_ADDRESS"], !address.isEmpty {
            guard case .hostname? = BindAddress(parsing: address) else {
                throw CLIError(
                    .usage, "UNBLOCK_ADDRESS is \"\(address)\", not HOST:PORT (for example 127.0.0.1:8625)")
            }
            return Server(BindAddress(parsing: address)!, origin: "from UNBLOCK_ADDRESS")
        }
        if let (file, path) = try ClientConfigFile.load() {
            if let socket = file.socket {
                return Server(.unixDomainSocket(path: Self.absolute(socket)), origin: "from \(path)")
            }
            if file.host != nil || file.port != nil {
                return Server(
                    .hostname(file.host ?? "127.0.0.1", port: file.port ?? BindAddress.defaultPort),
                    origin: "from \(path)")
            }
        }
        return Server(.unixDomainSocket(path: Self.defaultSocket), origin: "the default")
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// A client for `server`, over TLS when it says.
    /// - Throws: a reported `ExitCode` (64) when a TLS file cannot be used, naming it.
    func client(_ server: Server, session: SessionFile.Session? = nil) throws -> UnblockClient {
        let client: UnblockClient
        do {
            client = try UnblockClient.to(server.address, tls: server.tls, timeout: .seconds(30))
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
        guard session.server == server.address.description else {
            throw report(
                CLIError(
                    .notLoggedIn,
                    "your session is with the server at \(session.server), not \(server.address); "
                        + "log in to this one with `unblockctl login --user NAME`"))
        }
        return session
    }
}

/// A server address, how to reach it (TLS), and where it came from (for messages when it
/// cannot be reached).
struct Server {
    let address: BindAddress
    let origin: String
    var tls: TLSClientSettings?

    init(_ address: BindAddress, origin: String) {
        self.address = address
        self.origin = origin
    }
}

extension UnblockClient {
    /// A client for `address`, over TLS when `tls` is given.
    static func to(_ address: BindAddress, tls: TLSClientSettings?, timeout: Duration) throws(TLSSetupError)
        -> UnblockClient
    {
        guard let tls else { return UnblockClient(target: address, defaultTimeout: timeout) }
        return try UnblockClient(target: address, tls: tls, defaultTimeout: timeout)
    }
}
