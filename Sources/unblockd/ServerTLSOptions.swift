// unblockd serve's TLS options: the certificate of the TCP listener, client certificates, trusted apps.
import ArgumentParser
import Foundation
import UnblockServer
import UnblockTLS

struct ServerTLSOptions: ParsableArguments {
    @Option(help: "PEM certificate (then intermediates) for the TCP listener: turns TLS on. [env: UNBLOCK_TLS_CERT]")
    var tlsCert: String? = env("UNBLOCK_TLS_CERT")

    @Option(help: "PEM private key of --tls-cert. [env: UNBLOCK_TLS_KEY]")
    var tlsKey: String? = env("UNBLOCK_TLS_KEY")

    @Option(help: "PEM CAs that sign client certificates. [env: UNBLOCK_TLS_CLIENT_CA]")
    var tlsClientCa: String? = env("UNBLOCK_TLS_CLIENT_CA")

    @Option(
        help: """
            Client certificates: none, optional (checked when shown) or require. [env: UNBLOCK_TLS_CLIENT_AUTH]
            """)
    var tlsClientAuth: TLSServerSettings.ClientAuthentication =
        env("UNBLOCK_TLS_CLIENT_AUTH").flatMap(TLSServerSettings.ClientAuthentication.init(rawValue:)) ?? .none

    @Option(
        help: """
            An app whose client certificate names it (DNS name or common name) is trusted: the person \
            and browser address it names in a call are recorded and count for the login limits. \
            Repeatable. [env: UNBLOCK_TRUSTED_APPS, comma-separated]
            """)
    var trustedApp: [String] = env("UNBLOCK_TRUSTED_APPS")?.split(separator: ",").map(String.init) ?? []

    @Flag(
        name: .customLong("danger-allow-secrets-over-plaintext-tcp"),
        help: """
            Accept passwords and keys (Authenticate, SetPassword, CreateUser, key bytes, imports) over \
            plain TCP from other hosts: anyone on the network path reads them. Never in production. \
            [env: UNBLOCK_DANGER_ALLOW_SECRETS_OVER_PLAINTEXT_TCP=1]
            """)
    var allowSecretsOverPlaintextTCP = env("UNBLOCK_DANGER_ALLOW_SECRETS_OVER_PLAINTEXT_TCP") == "1"

    func validate() throws {
        switch (tlsCert, tlsKey) {
        case (nil, nil):
            if tlsClientCa != nil || tlsClientAuth != .none {
                throw ValidationError("--tls-client-ca and --tls-client-auth need --tls-cert and --tls-key")
            }
        case (_?, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, _?): throw ValidationError("--tls-key needs --tls-cert")
        case (_?, _?):
            if tlsClientAuth != .none && tlsClientCa == nil {
                throw ValidationError("--tls-client-auth \(tlsClientAuth.rawValue) needs --tls-client-ca FILE")
            }
        }
    }

    /// The transport security these options ask for.
    var transportSecurity: ServerConfiguration.TransportSecurity {
        guard let tlsCert, let tlsKey else { return .plaintext }
        return .tls(
            TLSServerSettings(
                certificateChainFile: tlsCert, privateKeyFile: tlsKey, clientCAFile: tlsClientCa,
                clientAuthentication: tlsClientAuth))
    }
}

extension TLSServerSettings.ClientAuthentication: ExpressibleByArgument {}

private func env(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}
