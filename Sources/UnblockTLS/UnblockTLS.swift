// What unblockd and its clients agree on for TLS, and the errors an operator reads.
import Foundation
import NIOSSL
import UnblockCrypto

/// The protocol's TLS constants.
public enum UnblockTLS {
    /// The ALPN name of the Unblock protocol over TLS. Clients offer it; the server chooses it
    /// when offered, and serves a client that offers none without ALPN.
    public static let applicationProtocol = "unblock/1"

    /// The name of the app a client certificate stands for (its first DNS name, else its
    /// common name), when it is one an audit event can hold as it is.
    public static func appName(of certificate: NIOSSLCertificate) -> String? {
        guard let der = try? certificate.toDERBytes(), let name = CertificateName.of(derEncoded: der),
            name.count <= 64,
            name.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else { return nil }
        return name
    }
}

/// A TLS file that cannot be used, and why, in an operator's words.
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    public let file: String?
    public let reason: String

    public init(file: String?, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { file.map { "\($0): \(reason)" } ?? reason }
}

/// PEM files read with errors that name them.
enum PEMFiles {
    static func certificates(_ path: String) throws(TLSSetupError) -> [NIOSSLCertificate] {
        try readable(path)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSSetupError(file: path, "not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else { throw TLSSetupError(file: path, "holds no certificate") }
        return certificates
    }

    static func privateKey(_ path: String) throws(TLSSetupError) -> NIOSSLPrivateKey {
        try readable(path)
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw TLSSetupError(file: path, "not a PEM private key, or an encrypted one (\(error))")
        }
    }

    private static func readable(_ path: String) throws(TLSSetupError) {
        guard FileManager.default.fileExists(atPath: path) else { throw TLSSetupError(file: path, "no such file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TLSSetupError(file: path, "not readable by this user")
        }
    }
}
