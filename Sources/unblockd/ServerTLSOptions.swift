// unblockd serve's TLS options: the certificate of the TCP listener, client certificates, trusted apps.
import ArgumentParser
import Foundation
import UnblockServer
import UnblockSettings
import UnblockTLS

struct ServerTLSOptions: ParsableArguments {
    @Option(help: "PEM certificate (then intermediates) for the TCP listener: turns TLS on. [env: UNBLOCK_TLS_CERT]")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert. [env: UNBLOCK_TLS_KEY]")
    var tlsKey: String?

    @Option(help: "PEM CAs that sign client certificates. [env: UNBLOCK_TLS_CLIENT_CA]")
    var tlsClientCa: String?

    @Option(
        help: """
            Client certificates: none, optional (checked when shown) or require. [env: UNBLOCK_TLS_CLIENT_AUTH]
            """)
    var tlsClientAuth = TLSServerSettings.ClientAuthentication(rawValue: Setting.string("tls-client-auth"))!

    @Option(
        help: """
            An app whose client certificate names it (DNS name or common name) is trusted: the person \
            and browser address it names in a call are recorded and count for the login limits. \
            Repeatable. [env: UNBLOCK_TRUSTED_APPS, comma-separated]
            """)
    var trustedApp = Setting.list("trusted-app")

    @Flag(
        name: .customLong("danger-allow-secrets-over-plaintext-tcp"),
        help: """
            Accept passwords and keys (Authenticate, SetPassword, CreateUser, key bytes, imports) over \
            plain TCP from other hosts: anyone on the network path reads them. Never in production. \
            [env: UNBLOCK_DANGER_ALLOW_SECRETS_OVER_PLAINTEXT_TCP=1]
            """)
    var allowSecretsOverPlaintextTCP = Setting.toggle("danger-allow-secrets-over-plaintext-tcp")

    // The flags, else their settings (an option with a default may not be optional).
    var tlsCertValue: String? { tlsCert ?? Setting.text("tls-cert") }
    var tlsKeyValue: String? { tlsKey ?? Setting.text("tls-key") }
    var tlsClientCaValue: String? { tlsClientCa ?? Setting.text("tls-client-ca") }

    func validate() throws {
        switch (tlsCertValue, tlsKeyValue) {
        case (nil, nil):
            if tlsClientCaValue != nil || tlsClientAuth != .none {
                throw ValidationError("--tls-client-ca and --tls-client-auth need --tls-cert and --tls-key")
            }
        case (_?, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, _?): throw ValidationError("--tls-key needs --tls-cert")
        case (_?, _?):
            if tlsClientAuth != .none && tlsClientCaValue == nil {
                throw ValidationError("--tls-client-auth \(tlsClientAuth.rawValue) needs --tls-client-ca FILE")
            }
        }
    }

    /// The transport security these options ask for.
    var transportSecurity: ServerConfiguration.TransportSecurity {
        guard let tlsCertValue, let tlsKeyValue else { return .plaintext }
        return .tls(
            TLSServerSettings(
                certificateChainFile: tlsCertValue, privateKeyFile: tlsKeyValue, clientCAFile: tlsClientCaValue,
                clientAuthentication: tlsClientAuth))
    }
}

extension TLSServerSettings.ClientAuthentication: ExpressibleByArgument {}
