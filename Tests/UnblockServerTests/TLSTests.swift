// TLS on the TCP listener, over real sockets: the handshake and every kind of refusal, client certificates, reload.
import Foundation
import Metrics
import Prometheus
import Testing
import UnblockClient
import UnblockCore
import UnblockServer
import UnblockTLS
import UnblockTesting
import UnblockWire

@Suite struct TLSTests {
    /// A server with TLS on its TCP listener (`serverCertificate` of `certificates`).
    static func withTLSServer(
        serverCertificate: String = "server", clientAuthentication: TLSServerSettings.ClientAuthentication = .none,
        trustedApps: Set<String> = [], metrics: (any MetricsFactory)? = nil,
        _ body: (TestServer, TestCertificates) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            try await TestServer.with(
                configure: {
                    $0.transportSecurity = .tls(
                        TLSServerSettings(
                            certificateChainFile: certificates.certificate(serverCertificate),
                            privateKeyFile: certificates.key(serverCertificate),
                            clientCAFile: clientAuthentication == .none ? nil : certificates.caFile,
                            clientAuthentication: clientAuthentication))
                    $0.trustedApps = trustedApps
                }, metrics: metrics
            ) { server in try await body(server, certificates) }
        }
    }

    static func client(
        _ server: TestServer, trusting ca: String, certificate: String? = nil, key: String? = nil,
        serverName: String? = nil
    ) throws -> UnblockClient {
        try UnblockClient(
            target: server.address(.tcp),
            tls: TLSClientSettings(
                trustRootsFile: ca, certificateChainFile: certificate, privateKeyFile: key, serverName: serverName),
            defaultTimeout: .seconds(10))
    }

    @Test func everyCallWorksOverTLS() async throws {
        try await Self.withTLSServer { server, certificates in
            let alice = try Self.client(server, trusting: certificates.caFile)
            try await alice.authenticate(username: "alice", password: "alice-demo-password")
            #expect(try await alice.listCards().cards.count == 3)
            let answer = try await alice.unblockPinOffline(
                card: .serial(Demo.aliceContractor), challenge: String(repeating: "5A", count: 16))
            #expect(answer.responseBytes.count == 16)
            // The name given instead of the address is checked too.
            let byName = try Self.client(server, trusting: certificates.caFile, serverName: "localhost")
            #expect(try await byName.health().status == .serving)
        }
    }

    @Test func aServerCertificateNotTrustedNotForThisHostOrExpiredIsRefused() async throws {
        try await Self.withTLSServer { server, certificates in
            let stranger = try Self.client(server, trusting: certificates.otherCAFile)
            let error = await Self.failure { try await stranger.health() }
            #expect(
                error?.code == .unavailable && error?.message.contains("not trusted") == true,
                "\(String(describing: error))")
        }
        for certificate in ["wrong-host", "expired"] {
            try await Self.withTLSServer(serverCertificate: certificate) { server, certificates in
                let client = try Self.client(server, trusting: certificates.caFile)
                let error = await Self.failure { try await client.health() }
                #expect(error?.message.contains("not trusted") == true, "\(certificate): \(String(describing: error))")
            }
        }
    }

    @Test func aRequiredClientCertificateMustBeShownAndItsAppIsAudited() async throws {
        try await Self.withTLSServer(clientAuthentication: .require) { server, certificates in
            let anonymous = try Self.client(server, trusting: certificates.caFile)
            #expect(await Self.failure { try await anonymous.health() } != nil)
            let stranger = try Self.client(
                server, trusting: certificates.caFile, certificate: certificates.certificate("stranger"),
                key: certificates.key("stranger"))
            #expect(
                await Self.failure { try await stranger.health() } != nil, "signed by a CA the server does not trust")
            let app = try Self.client(
                server, trusting: certificates.caFile, certificate: certificates.certificate("client"),
                key: certificates.key("client"))
            try await app.authenticate(username: "alice", password: "alice-demo-password")
            let desk = try await server.login("desk", .unix)
            let event = try #require(
                try await desk.listAuditEvents(ListAuditEventsRequest(user: "alice", action: "authenticate")).events
                    .first)
            #expect(event.detail.hasSuffix("tls_app=helpdesk-tool"), "\(event.detail)")
        }
    }

    @Test func aTrustedAppIsKnownByItsCertificate() async throws {
        try await Self.withTLSServer(clientAuthentication: .optional, trustedApps: ["helpdesk-tool"]) {
            server, certificates in
            let app = try Self.client(
                server, trusting: certificates.caFile, certificate: certificates.certificate("client"),
                key: certificates.key("client"))
            _ = try await app.call(
                SelfService.Authenticate.self, AuthenticateRequest(username: "alice", password: "alice-demo-password"),
                clientInfo: ClientInfo(app: "helpdesk-tool", endUserAddress: "192.0.2.44"))
            // Without a certificate the same client_info is ignored.
            let anonymous = try Self.client(server, trusting: certificates.caFile)
            _ = try await anonymous.call(
                SelfService.Authenticate.self, AuthenticateRequest(username: "bob", password: "bob-demo-password"),
                clientInfo: ClientInfo(app: "helpdesk-tool", endUserAddress: "192.0.2.45"))
            let desk = try await server.login("desk", .unix)
            let events = try await desk.listAuditEvents(ListAuditEventsRequest(action: "authenticate")).events
            let alice = try #require(events.first { $0.actor == "alice" })
            let bob = try #require(events.first { $0.actor == "bob" })
            #expect(alice.detail.hasSuffix("tls_app=helpdesk-tool app=helpdesk-tool end_user=192.0.2.44"), "\(alice)")
            #expect(bob.detail == "client=127.0.0.1", "\(bob)")
        }
    }

    @Test func onlyTLS12AndLaterAreSpokenAndTheProtocolIsNegotiated() async throws {
        try await Self.withTLSServer { server, certificates in
            guard case .hostname(_, let port) = server.address(.tcp) else { throw TestingError("no TCP listener") }
            let openssl = { (arguments: [String]) in
                runProgram(
                    URL(filePath: "/usr/bin/openssl"),
                    ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", certificates.caFile] + arguments,
                    input: "", environment: ["PATH": "/usr/bin:/bin"])
            }
            // OpenSSL's own floor lowered, so that the refusal is the server's.
            let old = openssl(["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
            #expect(old.status != 0 && (old.output + old.errors).contains("protocol version"), "\(old.errors)")
            let current = openssl(["-tls1_2", "-alpn", "unblock/1"])
            #expect(current.status == 0 && current.output.contains("ALPN protocol: unblock/1"), "\(current.output)")
        }
    }

    @Test func callsAreCountedByTheAppTheirCertificateNames() async throws {
        let registry = PrometheusCollectorRegistry()
        try await Self.withTLSServer(
            clientAuthentication: .optional, trustedApps: ["helpdesk-tool"],
            metrics: PrometheusMetricsFactory(registry: registry)
        ) { server, certificates in
            let app = try Self.client(
                server, trusting: certificates.caFile, certificate: certificates.certificate("client"),
                key: certificates.key("client"))
            _ = try await app.health()
            _ = try await app.health()
            _ = try await Self.client(server, trusting: certificates.caFile).health()
            var text: [UInt8] = []
            registry.emit(into: &text)
            let lines = String(decoding: text, as: UTF8.self)
            #expect(lines.contains("unblock_calls_by_app_total{app=\"helpdesk-tool\"} 2"), "\(lines)")
            #expect(lines.contains("unblock_calls_by_app_total{app=\"none\"} 1"), "\(lines)")
        }
    }

    @Test func aPlaintextClientOnTheTLSPortIsClosedAndOthersGoOn() async throws {
        try await Self.withTLSServer { server, certificates in
            let plain = server.client(.tcp)
            #expect(await Self.failure { try await plain.health() } != nil)
            let tls = try Self.client(server, trusting: certificates.caFile)
            #expect(try await tls.health().status == .serving)
        }
    }

    @Test func aReloadReachesNewConnectionsAndABadOneKeepsTheCertificate() async throws {
        try await Self.withTLSServer { server, certificates in
            let before = try Self.client(server, trusting: certificates.caFile)
            #expect(try await before.health().status == .serving)
            // A renewed certificate, for another host: new connections see it, the open one goes on.
            try FileManager.default.removeItem(atPath: certificates.certificate("server"))
            try FileManager.default.removeItem(atPath: certificates.key("server"))
            try FileManager.default.copyItem(
                atPath: certificates.certificate("wrong-host"), toPath: certificates.certificate("server"))
            try FileManager.default.copyItem(atPath: certificates.key("wrong-host"), toPath: certificates.key("server"))
            try server.server.reloadTLS()
            let after = try Self.client(server, trusting: certificates.caFile)
            #expect(await Self.failure { try await after.health() }?.message.contains("not trusted") == true)
            #expect(try await before.health().status == .serving)
            // A key that is not the certificate's: the reload fails, saying why, and the last one stays.
            try FileManager.default.removeItem(atPath: certificates.key("server"))
            try FileManager.default.copyItem(atPath: certificates.key("client"), toPath: certificates.key("server"))
            #expect(throws: ServerError.self) { try server.server.reloadTLS() }
            let still = try Self.client(server, trusting: certificates.caFile, serverName: "elsewhere.example")
            #expect(try await still.health().status == .serving)
        }
    }

    @Test func unusableFilesAreNamedAtStart() async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            let missing = TLSServerSettings(
                certificateChainFile: folder + "/none.pem", privateKeyFile: certificates.key("server"))
            #expect(throws: TLSSetupError.self) { try missing.load() }
            #expect((try? missing.load()) == nil)
            do {
                _ = try TLSServerSettings(
                    certificateChainFile: certificates.certificate("server"), privateKeyFile: certificates.key("client")
                ).load()
                Issue.record("a key of another certificate was accepted")
            } catch {
                #expect("\(error)".contains("does not match the certificate"), "\(error)")
            }
            do {
                _ = try TLSServerSettings(certificateChainFile: folder + "/none.pem", privateKeyFile: "x").load()
            } catch {
                #expect("\(error)" == "\(folder)/none.pem: no such file")
            }
        }
    }

    static func failure(_ body: () async throws -> some Any) async -> UnblockClientError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error as? UnblockClientError ?? UnblockClientError(code: .unknown, message: "\(error)")
        }
    }
}
