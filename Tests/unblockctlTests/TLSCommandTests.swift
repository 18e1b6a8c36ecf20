// unblockctl over TLS to a real unblockd: flags, environment and configuration file; SIGHUP reloads the certificate.
import Foundation
import Testing
import UnblockTesting

@Suite(.serialized) struct TLSCommandTests {
    /// A harness whose unblockd also listens on TCP with TLS; its port and the certificates.
    static func withTLS(_ body: (CLIHarness, Int, TestCertificates) async throws -> Void) async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            let port = try freeTCPPort()
            let harness = try await CLIHarness(extra: [
                "--tcp", "127.0.0.1:\(port)", "--tls-cert", certificates.certificate("server"),
                "--tls-key", certificates.key("server"),
            ])
            defer { harness.stop() }
            try await body(harness, port, certificates)
        }
    }

    @Test func loginCardsAndLogoutOverTLS() async throws {
        try await Self.withTLS { harness, port, certificates in
            let flags = ["--host", "127.0.0.1", "--port", "\(port)", "--tls-ca", certificates.caFile]
            let noEnvironment = ["PATH": "/usr/bin:/bin"]
            let login = harness.run(
                ["login", "--user", "alice", "--password-stdin"] + flags, input: "alice-demo-password\n",
                environment: noEnvironment)
            #expect(login.status == 0, "\(login.errors)")
            let cards = harness.run(["cards"] + flags, environment: noEnvironment)
            #expect(cards.status == 0 && cards.output.contains("04A1B2C3D4E5F6"), "\(cards.errors)")
            // The same through the environment, then through the configuration file.
            let environment = [
                "PATH": "/usr/bin:/bin", "UNBLOCK_ADDRESS": "127.0.0.1:\(port)", "UNBLOCK_TLS": "1",
                "UNBLOCK_TLS_CA": certificates.caFile,
            ]
            #expect(harness.run(["cards"], environment: environment).status == 0)
            try FileManager.default.createDirectory(
                atPath: harness.configHome + "/unblock", withIntermediateDirectories: true)
            try Data(
                """
                host: 127.0.0.1
                port: \(port)
                tls: true
                tls-ca: "\(certificates.caFile)"
                """.utf8
            ).write(to: URL(filePath: harness.configHome + "/unblock/client.yaml"))
            #expect(harness.run(["cards"], environment: noEnvironment).status == 0)
            #expect(harness.run(["logout"], environment: noEnvironment).status == 0)
            // Without TLS the TLS port does not answer, and the message says what to check.
            let plain = harness.run(
                ["health", "--host", "127.0.0.1", "--port", "\(port)"],
                environment: ["PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": "/nonexistent"])
            #expect(plain.status != 0)
            // A CA file that does not exist is named.
            let missing = harness.run(
                ["health"] + flags.dropLast() + ["/nonexistent/ca.pem"], environment: noEnvironment)
            #expect(
                missing.status == 64 && missing.errors.contains("/nonexistent/ca.pem: no such file"),
                "\(missing.errors)")
        }
    }

    @Test func sighupReloadsTheCertificateForNewConnections() async throws {
        try await Self.withTLS { harness, port, certificates in
            let flags = ["--host", "127.0.0.1", "--port", "\(port)", "--tls-ca", certificates.caFile]
            let environment = ["PATH": "/usr/bin:/bin"]
            #expect(harness.run(["health"] + flags, environment: environment).status == 0)
            // A certificate for another name replaces the files; SIGHUP makes the server read them.
            for (from, to) in [("wrong-host", "server")] {
                for file in [certificates.certificate(to), certificates.key(to)] {
                    try FileManager.default.removeItem(atPath: file)
                }
                try FileManager.default.copyItem(
                    atPath: certificates.certificate(from), toPath: certificates.certificate(to))
                try FileManager.default.copyItem(atPath: certificates.key(from), toPath: certificates.key(to))
            }
            harness.server.send(SIGHUP)
            var renamed = false
            for _ in 0..<100 where !renamed {
                let result = harness.run(
                    ["health"] + flags + ["--tls-server-name", "elsewhere.example"], environment: environment)
                renamed = result.status == 0
                if !renamed { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(renamed, "the new certificate was not served after SIGHUP")
            let old = harness.run(["health"] + flags, environment: environment)
            #expect(old.status != 0 && old.errors.contains("not trusted"), "\(old.errors)")
        }
    }
}
