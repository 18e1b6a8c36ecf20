// TLS for the clients of unblockd: whom they trust, and the certificate they show.
import NIOCore
import NIOSSL

/// How a client reaches unblockd over TLS.
public struct TLSClientSettings: Sendable, Hashable, Codable {
    /// PEM: the CAs to trust; nil trusts the system's.
    public var trustRootsFile: String?
    /// PEM: the client's certificate (then intermediates), when the server asks for one.
    public var certificateChainFile: String?
    /// PEM: that certificate's private key.
    public var privateKeyFile: String?
    /// The name the server's certificate must carry, when it is not the host connected to.
    public var serverName: String?

    public init(
        trustRootsFile: String? = nil, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
        serverName: String? = nil
    ) {
        self.trustRootsFile = trustRootsFile
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.serverName = serverName
    }

    /// Reads and checks the files now.
    /// - Throws: `TLSSetupError` naming the file and what is wrong with it.
    public func makeContext() throws(TLSSetupError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.applicationProtocols = [UnblockTLS.applicationProtocol]
        configuration.certificateVerification = .fullVerification
        if let trustRootsFile {
            configuration.trustRoots = .certificates(try PEMFiles.certificates(trustRootsFile))
        }
        switch (certificateChainFile, privateKeyFile) {
        case (let chain?, let key?):
            configuration.certificateChain = try PEMFiles.certificates(chain).map { .certificate($0) }
            configuration.privateKey = .privateKey(try PEMFiles.privateKey(key))
        case (nil, nil): break
        case (nil, _?): throw TLSSetupError(file: nil, "a client key needs its certificate (--tls-cert)")
        case (_?, nil): throw TLSSetupError(file: nil, "a client certificate needs its key (--tls-key)")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(
                file: privateKeyFile,
                "this key does not match the certificate in \(certificateChainFile ?? "") (\(error))")
        }
    }
}

/// A client's TLS, checked: the context every connection shares, and the name the server's
/// certificate must carry.
public struct ClientTLSContext: Sendable {
    public let settings: TLSClientSettings
    public let context: NIOSSLContext

    /// - Throws: `TLSSetupError` when a file of `settings` cannot be used, naming it.
    public init(_ settings: TLSClientSettings) throws(TLSSetupError) {
        self.settings = settings
        context = try settings.makeContext()
    }

    /// The handler a connection to `host` starts its pipeline with: it verifies the server's
    /// certificate against the override name, else the host's name (an IP address against the
    /// certificate's IP addresses).
    public func handler(host: String) throws -> NIOSSLClientHandler {
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return try NIOSSLClientHandler(
            context: context, serverHostname: settings.serverName ?? (isAddress ? nil : host))
    }
}
