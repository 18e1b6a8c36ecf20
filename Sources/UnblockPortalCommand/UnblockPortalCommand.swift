// unblock-portal: the self-service web portal, in front of unblockd.
import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import UnblockPortal
import UnblockSettings
import UnblockSystemd
import UnblockTLS
import UnblockWire

@main
struct UnblockPortalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock-portal",
        abstract: "The self-service web portal: card holders unblock their smart card's PIN.",
        discussion: "It holds no directory and no keys: every page calls unblockd.",
        version: UnblockVersion.current)

    @OptionGroup var file: PortalConfigFileOption

    @Option(help: "Where to listen, HOST:PORT. [env: UNBLOCK_PORTAL_LISTEN]")
    var listen = Setting.string("listen")

    @Option(
        help: """
            The unblockd to use: unix:PATH or HOST:PORT; several, comma-separated, for nodes that share a \
            store (the next is used when one cannot answer). [env: UNBLOCK_PORTAL_SERVER, else UNBLOCK_SOCKET \
            or UNBLOCK_ADDRESS as unblockctl reads them] (default: unix:/run/unblockd/unblockd.sock)
            """)
    var server: String =
        Setting.text("server") ?? ProcessInfo.processInfo.environment["UNBLOCK_SOCKET"].map { "unix:\($0)" }
        ?? ProcessInfo.processInfo.environment["UNBLOCK_ADDRESS"] ?? "unix:/run/unblockd/unblockd.sock"

    @OptionGroup(title: "TLS")
    var tls: PortalTLSOptions

    @Flag(
        help: """
            Listen on an address other than loopback without TLS (only behind a TLS proxy). \
            [env: UNBLOCK_PORTAL_ALLOW_INSECURE_HTTP=1]
            """)
    var allowInsecureHTTP = Setting.toggle("allow-insecure-http")

    @Flag(
        help: """
            Browsers reach the portal over HTTPS through a proxy in front: cookies are Secure and pages \
            carry Strict-Transport-Security. [env: UNBLOCK_PORTAL_BEHIND_HTTPS_PROXY=1]
            """)
    var behindHTTPSProxy = Setting.toggle("behind-https-proxy")

    /// Settings are loaded before the arguments are parsed: the options' defaults come from them.
    static func main() async {
        await Setting.start(
            program: "unblock-portal", keys: PortalSettings.keys, variable: PortalSettings.fileVariable,
            defaultFiles: [PortalSettings.defaultFile])
        await main(nil)
    }

    func validate() throws {
        guard case .hostname(let host, _)? = UnblockWire.BindAddress(parsing: listen) else {
            throw ValidationError("--listen takes HOST:PORT, such as 127.0.0.1:8080")
        }
        guard tls.https != nil || allowInsecureHTTP || ["127.0.0.1", "::1", "localhost"].contains(host) else {
            throw ValidationError(
                "refusing to serve passwords and responses over plain HTTP on \(host); give --tls-cert and --tls-key, "
                    + "or put a TLS proxy in front and pass --allow-insecure-http, or listen on 127.0.0.1")
        }
        guard Self.targets(server) != nil else {
            throw ValidationError("--server takes unix:PATH or HOST:PORT, or several of them comma-separated")
        }
    }

    /// The addresses of `text` (comma-separated); nil when one does not parse.
    static func targets(_ text: String) -> [UnblockWire.BindAddress]? {
        let addresses = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.map { text in
            text.hasPrefix("unix:")
                ? .unixDomainSocket(path: String(text.dropFirst(5))) : UnblockWire.BindAddress(parsing: text)
        }
        guard !addresses.isEmpty, !addresses.contains(where: { $0 == nil }) else { return nil }
        return addresses.compactMap { $0 }
    }

    func run() async throws {
        var logger = Logger(label: "unblock-portal")
        logger.logLevel = .info
        guard case .hostname(let host, let port)? = UnblockWire.BindAddress(parsing: listen) else { return }
        var configuration = Portal.Configuration(servers: Self.targets(server)!)
        configuration.servedOverHTTPS = behindHTTPSProxy || tls.https != nil
        configuration.serverTLS = tls.toServer
        let portal: Portal
        let https: ServerTLS?
        do {
            portal = try Portal(configuration: configuration, logger: logger)
            https = try tls.https?.load(applicationProtocols: ["http/1.1"])
        } catch {
            throw ValidationError("the portal cannot start: \(error)")
        }
        let address = BindAddress.hostname(host, port: port)
        if let https {
            let app = Application(
                router: portal.makeRouter(), server: try .tls(.http1(), tlsConfiguration: https.configuration),
                configuration: .init(address: address), onServerRunning: Self.notifySystemd, logger: logger)
            try await app.runService()
        } else {
            let app = Application(
                router: portal.makeRouter(), configuration: .init(address: address),
                onServerRunning: Self.notifySystemd, logger: logger)
            try await app.runService()
        }
    }

    /// READY=1 for a unit with Type=notify, once the portal listens.
    @Sendable static func notifySystemd(_: any Channel) async {
        if let problem = SystemdNotify.send("READY=1") { Logger(label: "unblock-portal").warning("\(problem)") }
    }
}
