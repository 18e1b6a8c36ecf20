// Throwaway certificates for the TLS tests, made with the openssl command line in a folder of the test's.
import Foundation

/// A test CA, and certificates it signs: the server's (for localhost and 127.0.0.1), an
/// expired one, one for another host, a client's (an app's name), and a CA nobody trusts.
public struct TestCertificates: Sendable {
    public let folder: String

    public var caFile: String { folder + "/ca.pem" }
    public var otherCAFile: String { folder + "/other-ca.pem" }
    public func certificate(_ name: String) -> String { folder + "/\(name).pem" }
    public func key(_ name: String) -> String { folder + "/\(name).key" }

    /// Makes them all in `folder`: `server` (also for `serverAddress`), `expired`, `wrong-host`,
    /// `client` (named `clientApp`), `stranger` (a client signed by the other CA).
    public init(in folder: String, clientApp: String = "helpdesk-tool", serverAddress: String? = nil) throws {
        self.folder = folder
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", folder + "/ca.key", "-out", folder + "/ca.pem", "-days", "30", "-subj", "/CN=Unblock Test CA",
        ])
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", folder + "/other-ca.key", "-out", folder + "/other-ca.pem", "-days", "30", "-subj",
            "/CN=Other CA",
        ])
        let extra = serverAddress.map { ",IP:\($0)" } ?? ""
        try sign("server", subject: "unblockd", names: "DNS:localhost,IP:127.0.0.1\(extra)", days: 30)
        try sign("expired", subject: "unblockd", names: "DNS:localhost,IP:127.0.0.1", days: -1)
        try sign("wrong-host", subject: "elsewhere", names: "DNS:elsewhere.example", days: 30)
        try sign("client", subject: clientApp, names: "DNS:\(clientApp)", days: 30)
        try sign("stranger", subject: clientApp, names: "DNS:\(clientApp)", days: 30, ca: "other-ca")
    }

    private func sign(_ name: String, subject: String, names: String, days: Int, ca: String = "ca") throws {
        let base = folder + "/" + name
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=\(subject)",
        ])
        try Data("subjectAltName=\(names)\n".utf8).write(to: URL(filePath: base + ".ext"))
        try Self.openssl([
            "x509", "-req", "-in", base + ".csr", "-CA", folder + "/\(ca).pem",
            "-CAkey", folder + "/\(ca).key", "-CAcreateserial", "-out", base + ".pem", "-days", "\(days)",
            "-extfile", base + ".ext",
        ])
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = runProgram(URL(filePath: "/usr/bin/openssl"), arguments, environment: ["PATH": "/usr/bin:/bin"])
        guard result.status == 0 else { throw TestingError("openssl \(arguments.first ?? ""): \(result.errors)") }
    }
}
