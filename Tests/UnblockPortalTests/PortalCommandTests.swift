// unblock-portal's command line: the example systemd unit's serves the login page; plain HTTP stays on loopback.
import Foundation
import Testing
import UnblockClient
import UnblockTesting
import UnblockWire

@Suite struct PortalCommandTests {
    static let packaging = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Packaging")
        .standardized

    @Test func thePackagedUnitAndSettingsServeTheLoginPageAndTellSystemd() async throws {
        let text = try String(contentsOf: Self.packaging.appending(path: "unblock-portal.service"), encoding: .utf8)
        let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var arguments = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(arguments.removeFirst() == "/usr/bin/unblock-portal")
        #expect(text.contains("Type=notify"))
        // A real unblockd where the settings expect it, the portal on a free port.
        let server = try await UnblockdProcess()
        defer { server.stop() }
        let port = try freeTCPPort()
        let settings = try String(contentsOf: Self.packaging.appending(path: "unblock-portal.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "/run/unblockd/unblockd.sock", with: server.socket)
            .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
        try settings.write(toFile: server.folder + "/portal.yaml", atomically: true, encoding: .utf8)
        arguments = arguments.map {
            $0.replacingOccurrences(of: "/etc/unblock/unblock-portal.yaml", with: server.folder + "/portal.yaml")
        }
        let notify = try NotifySocket(in: server.folder)
        let portal = try await PortalProcess(arguments, port: port, environment: ["NOTIFY_SOCKET": notify.path])
        defer { portal.stop() }
        #expect(notify.receive() == "READY=1")
        #expect(portal.curl([portal.site + "/login"]).output.contains("name=\"password\""))
    }

    @Test func itReadsItsConfigurationFileUnderItsFlags() async throws {
        try await withTemporaryDirectory { folder in
            let server = try await UnblockdProcess()
            defer { server.stop() }
            let port = try freeTCPPort()
            let file = folder + "/unblock-portal.yaml"
            try "listen: 127.0.0.1:\(port)\nserver: unix:\(server.socket)\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            let portal = try await PortalProcess(["--config", file], port: port)
            defer { portal.stop() }
            #expect(portal.curl([portal.site + "/login"]).output.contains("name=\"password\""))

            try "listen: 127.0.0.1:\(port)\nlisten-address: x\n".write(toFile: file, atomically: true, encoding: .utf8)
            let refused = runProgram(
                builtProduct("unblock-portal"), ["--config", file], environment: ["PATH": "/usr/bin:/bin"])
            #expect(refused.status == 78)
            #expect(refused.errors.contains("\(file), line 2: unknown key \"listen-address\""), "\(refused.errors)")
        }
    }

    @Test func itRefusesPlainHTTPBeyondLoopbackUnlessTold() throws {
        let refused = runProgram(
            builtProduct("unblock-portal"), ["--listen", "0.0.0.0:8080"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("refusing to serve passwords and responses over plain HTTP on 0.0.0.0"))
        #expect(refused.errors.contains("--allow-insecure-http"))
    }

    @Test func overTLSBothWaysTheBrowserGetsHTTPSAndUnblockdKnowsThePortalByItsCertificate() async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder, clientApp: "unblock-portal")
            let tcp = try freeTCPPort()
            let server = try await UnblockdProcess(extra: [
                "--tcp", "127.0.0.1:\(tcp)", "--tls-cert", certificates.certificate("server"),
                "--tls-key", certificates.key("server"), "--tls-client-ca", certificates.caFile,
                "--tls-client-auth", "require", "--trusted-app", "unblock-portal",
            ])
            defer { server.stop() }
            let port = try freeTCPPort()
            let portal = try await PortalProcess(
                [
                    "--listen", "127.0.0.1:\(port)", "--tls-cert", certificates.certificate("server"),
                    "--tls-key", certificates.key("server"), "--server", "127.0.0.1:\(tcp)",
                    "--server-tls-ca", certificates.caFile, "--server-tls-cert", certificates.certificate("client"),
                    "--server-tls-key", certificates.key("client"),
                ], port: port, caFile: certificates.caFile)
            defer { portal.stop() }
            let site = portal.site
            let jar = folder + "/cookies"
            func curl(_ arguments: [String]) -> ProgramResult { portal.curl(["-b", jar, "-c", jar] + arguments) }
            let page = curl([site + "/login"]).output
            let csrf = try #require(PortalTests.Browser.hidden("csrf", in: page))
            let login = curl([
                "-D", "-", "-o", "/dev/null", "--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "username=alice",
                "--data-urlencode", "password=alice-demo-password", site + "/login",
            ]).output
            #expect(login.contains("303") && login.lowercased().contains("strict-transport-security"), "\(login)")
            #expect(login.contains("unblock_session=") && login.contains("Secure"), "\(login)")
            #expect(curl([site + "/cards"]).output.contains("04A1B2C3D4E5F6"))
            let desk = UnblockClient(target: .unixDomainSocket(path: server.socket))
            _ = try await desk.authenticate(username: "desk", password: "desk-demo-password")
            let event = try #require(
                try await desk.listAuditEvents(ListAuditEventsRequest(user: "alice", action: "authenticate")).events
                    .first)
            #expect(event.detail.hasSuffix("tls_app=unblock-portal app=unblock-portal end_user=127.0.0.1"), "\(event)")
            await desk.close()
        }
    }
}

extension PortalCommandTests {
    /// With several unblockd addresses, the portal uses the next when the first cannot be reached.
    @Test func itMovesToTheNextServerWhenTheFirstCannotBeReached() async throws {
        try await withTemporaryDirectory { folder in
            let server = try await UnblockdProcess()
            defer { server.stop() }
            let port = try freeTCPPort()
            let portal = try await PortalProcess(
                ["--listen", "127.0.0.1:\(port)", "--server", "unix:\(folder)/gone.sock,unix:\(server.socket)"],
                port: port)
            defer { portal.stop() }
            let jar = folder + "/cookies"
            func curl(_ arguments: [String]) -> ProgramResult { portal.curl(["-b", jar, "-c", jar] + arguments) }
            let csrf = try #require(PortalTests.Browser.hidden("csrf", in: curl([portal.site + "/login"]).output))
            let login = curl([
                "-D", "-", "-o", "/dev/null", "--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "username=alice",
                "--data-urlencode", "password=alice-demo-password", portal.site + "/login",
            ]).output
            #expect(login.contains("303"), "\(login)")
            #expect(curl([portal.site + "/cards"]).output.contains("04A1B2C3D4E5F6"))
        }
    }
}
