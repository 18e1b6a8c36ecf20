// TLS for unblockd's TCP listener: its certificate and key, and what it asks of clients.
import Foundation
import NIOSSL

/// What the TCP listener presents, and which client certificates it accepts.
public struct TLSServerSettings: Sendable, Hashable {
    /// Whether clients show a certificate (signed by `clientCAFile`).
    public enum ClientAuthentication: String, Sendable, Hashable, CaseIterable {
        /// No client certificate is asked for.
        case none
        /// A client may show one; a bad one is refused, none is allowed.
        case optional
        /// Every client shows one.
        case require
    }

    /// PEM: the server's certificate, then any intermediates.
    public var certificateChainFile: String
    /// PEM: the certificate's private key.
    public var privateKeyFile: String
    /// PEM: the CAs that sign client certificates.
    public var clientCAFile: String?
    public var clientAuthentication: ClientAuthentication

    public init(
        certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil,
        clientAuthentication: ClientAuthentication = .none
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
        self.clientAuthentication = clientAuthentication
    }

    /// Reads and checks the files now.
    /// - Parameter applicationProtocols: ALPN names offered, most preferred first (HTTP/1.1 for the portal).
    /// - Throws: `TLSSetupError` naming the file and what is wrong with it.
    public func load(applicationProtocols: [String] = [UnblockTLS.applicationProtocol]) throws(TLSSetupError)
        -> ServerTLS
    {
        if clientAuthentication != .none && clientCAFile == nil {
            throw TLSSetupError(
                file: nil, "--tls-client-auth \(clientAuthentication.rawValue) needs --tls-client-ca FILE")
        }
        let chain = try PEMFiles.certificates(certificateChainFile)
        let key = try PEMFiles.privateKey(privateKeyFile)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.applicationProtocols = applicationProtocols
        switch clientAuthentication {
        case .none: configuration.certificateVerification = .none
        case .optional: configuration.certificateVerification = .optionalVerification
        case .require: configuration.certificateVerification = .noHostnameVerification
        }
        if let clientCAFile {
            configuration.trustRoots = .certificates(try PEMFiles.certificates(clientCAFile))
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(
                file: privateKeyFile, "this key does not match the certificate in \(certificateChainFile) (\(error))")
        }
        let expiry = Date(timeIntervalSince1970: TimeInterval(chain[0].notValidAfter))
        return ServerTLS(configuration: configuration, context: context, certificateExpiry: expiry)
    }
}

/// A server's TLS, loaded and checked.
public struct ServerTLS: Sendable {
    /// What the context was made of, for servers that make their own (Hummingbird's).
    public let configuration: TLSConfiguration
    public let context: NIOSSLContext
    /// When the server's own certificate expires.
    public let certificateExpiry: Date
}
