// unblock-portal's TLS options: HTTPS for browsers, and TLS to an unblockd reached over TCP.
import ArgumentParser
import Foundation
import UnblockTLS

struct PortalTLSOptions: ParsableArguments {
    @Option(help: "PEM certificate (then intermediates): serve HTTPS. [env: UNBLOCK_PORTAL_TLS_CERT]")
    var tlsCert: String? = env("UNBLOCK_PORTAL_TLS_CERT")

    @Option(help: "PEM private key of --tls-cert. [env: UNBLOCK_PORTAL_TLS_KEY]")
    var tlsKey: String? = env("UNBLOCK_PORTAL_TLS_KEY")

    @Flag(help: "Reach a TCP --server over TLS (the system's CAs unless --server-tls-ca). [env: UNBLOCK_TLS=1]")
    var serverTls = env("UNBLOCK_TLS") == "1"

    @Option(help: "PEM CAs to trust for unblockd's certificate (implies --server-tls). [env: UNBLOCK_TLS_CA]")
    var serverTlsCa: String? = env("UNBLOCK_TLS_CA")

    @Option(
        help: "PEM client certificate the portal shows unblockd (its app name). [env: UNBLOCK_TLS_CERT]")
    var serverTlsCert: String? = env("UNBLOCK_TLS_CERT")

    @Option(help: "PEM private key of --server-tls-cert. [env: UNBLOCK_TLS_KEY]")
    var serverTlsKey: String? = env("UNBLOCK_TLS_KEY")

    @Option(help: "The name unblockd's certificate carries, if not the host's. [env: UNBLOCK_TLS_SERVER_NAME]")
    var serverTlsName: String? = env("UNBLOCK_TLS_SERVER_NAME")

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: the certificate and its private key")
        }
    }

    /// HTTPS for browsers, if asked for.
    var https: TLSServerSettings? {
        guard let tlsCert, let tlsKey else { return nil }
        return TLSServerSettings(certificateChainFile: tlsCert, privateKeyFile: tlsKey)
    }

    /// TLS to unblockd, if asked for.
    var toServer: TLSClientSettings? {
        let settings = TLSClientSettings(
            trustRootsFile: serverTlsCa, certificateChainFile: serverTlsCert, privateKeyFile: serverTlsKey,
            serverName: serverTlsName)
        return serverTls || settings != TLSClientSettings() ? settings : nil
    }
}

private func env(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}
