// unblock-portal's TLS options: HTTPS for browsers, and TLS to an unblockd reached over TCP.
import ArgumentParser
import Foundation
import UnblockSettings
import UnblockTLS

struct PortalTLSOptions: ParsableArguments {
    @Option(help: "PEM certificate (then intermediates): serve HTTPS. [env: UNBLOCK_PORTAL_TLS_CERT]")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert. [env: UNBLOCK_PORTAL_TLS_KEY]")
    var tlsKey: String?

    @Flag(help: "Reach a TCP --server over TLS (the system's CAs unless --server-tls-ca). [env: UNBLOCK_TLS=1]")
    var serverTls = Setting.toggle("server-tls")

    @Option(help: "PEM CAs to trust for unblockd's certificate (implies --server-tls). [env: UNBLOCK_TLS_CA]")
    var serverTlsCa: String?

    @Option(
        help: "PEM client certificate the portal shows unblockd (its app name). [env: UNBLOCK_TLS_CERT]")
    var serverTlsCert: String?

    @Option(help: "PEM private key of --server-tls-cert. [env: UNBLOCK_TLS_KEY]")
    var serverTlsKey: String?

    @Option(help: "The name unblockd's certificate carries, if not the host's. [env: UNBLOCK_TLS_SERVER_NAME]")
    var serverTlsName: String?

    // The flags, else their settings (an option with a default may not be optional).
    var tlsCertValue: String? { tlsCert ?? Setting.text("tls-cert") }
    var tlsKeyValue: String? { tlsKey ?? Setting.text("tls-key") }
    var serverTlsCaValue: String? { serverTlsCa ?? Setting.text("server-tls-ca") }
    var serverTlsCertValue: String? { serverTlsCert ?? Setting.text("server-tls-cert") }
    var serverTlsKeyValue: String? { serverTlsKey ?? Setting.text("server-tls-key") }
    var serverTlsNameValue: String? { serverTlsName ?? Setting.text("server-tls-name") }

    func validate() throws {
        if (tlsCertValue == nil) != (tlsKeyValue == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: the certificate and its private key")
        }
    }

    /// HTTPS for browsers, if asked for.
    var https: TLSServerSettings? {
        guard let tlsCertValue, let tlsKeyValue else { return nil }
        return TLSServerSettings(certificateChainFile: tlsCertValue, privateKeyFile: tlsKeyValue)
    }

    /// TLS to unblockd, if asked for.
    var toServer: TLSClientSettings? {
        let settings = TLSClientSettings(
            trustRootsFile: serverTlsCaValue, certificateChainFile: serverTlsCertValue,
            privateKeyFile: serverTlsKeyValue,
            serverName: serverTlsNameValue)
        return serverTls || settings != TLSClientSettings() ? settings : nil
    }
}
