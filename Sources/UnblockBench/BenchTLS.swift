// TLS for the harness: a throwaway certificate for its own server, and how every client reaches the server.
import Foundation
import NIOSSL
import UnblockClient
import UnblockTLS
import UnblockWire

/// How the harness's clients reach the server: plain, or over TLS with these settings.
struct Connector: Sendable {
    /// Made once: every load connection shares its context.
    let tls: ClientTLSContext?

    init(tls: TLSClientSettings?) throws {
        self.tls = try tls.map(ClientTLSContext.init)
    }

    func client(_ target: BindAddress, timeout: Duration = .seconds(30)) throws -> UnblockClient {
        try client([target], timeout: timeout)
    }

    /// A client for several nodes: it moves to the next when one cannot answer.
    func client(_ targets: [BindAddress], timeout: Duration = .seconds(30)) throws -> UnblockClient {
        guard let tls else { return UnblockClient(targets: targets, defaultTimeout: timeout) }
        return try UnblockClient(targets: targets, tls: tls.settings, defaultTimeout: timeout)
    }

    /// The TLS handler a raw load connection to `host` starts its pipeline with; nil without TLS.
    func handler(host: String) throws -> NIOSSLClientHandler? {
        try tls?.handler(host: host)
    }

    /// A CA and a certificate for 127.0.0.1 signed by it, made with the openssl command line in `folder`.
    static func makeCertificates(in folder: String) throws -> (ca: String, certificate: String, key: String) {
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(filePath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchError("openssl \(arguments[0]) failed") }
        }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", folder + "/ca.key", "-out", folder + "/ca.pem", "-days", "30", "-subj", "/CN=Bench CA",
            ])
        try openssl(
            ["req"] + curve + [
                "-keyout", folder + "/server.key", "-out", folder + "/server.csr", "-subj", "/CN=unblockd",
            ])
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: URL(filePath: folder + "/server.ext"))
        try openssl([
            "x509", "-req", "-in", folder + "/server.csr", "-CA", folder + "/ca.pem", "-CAkey", folder + "/ca.key",
            "-CAcreateserial", "-out", folder + "/server.pem", "-days", "30", "-extfile", folder + "/server.ext",
        ])
        return (folder + "/ca.pem", folder + "/server.pem", folder + "/server.key")
    }
}
