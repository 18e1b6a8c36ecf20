// TLS across a real network: unblockd and unblockctl in two network namespaces joined by a veth pair.
import Foundation
import Testing
import UnblockTesting

@Suite(.serialized) struct NetworkNamespaceTests {
    /// Two namespaces, `a` (10.213.N.1) and `b` (10.213.N.2), joined by a veth pair; nil when
    /// this machine cannot make them (not root, no iproute2, no namespaces in a container).
    struct Network {
        let a: String
        let b: String
        let serverAddress: String

        init?() {
            let suffix = UInt16.random(in: 1...60_000)
            let subnet = suffix % 250 + 1
            a = "ub-a-\(suffix)"
            b = "ub-b-\(suffix)"
            serverAddress = "10.213.\(subnet).1"
            let script = """
                set -e
                ip netns add \(a); ip netns add \(b)
                ip link add ub\(suffix)a type veth peer name ub\(suffix)b
                ip link set ub\(suffix)a netns \(a); ip link set ub\(suffix)b netns \(b)
                ip -n \(a) addr add 10.213.\(subnet).1/24 dev ub\(suffix)a
                ip -n \(b) addr add 10.213.\(subnet).2/24 dev ub\(suffix)b
                ip -n \(a) link set ub\(suffix)a up; ip -n \(b) link set ub\(suffix)b up
                ip -n \(a) link set lo up; ip -n \(b) link set lo up
                """
            guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"),
                Self.shell(script).status == 0
            else {
                _ = Self.shell("ip netns del \(a) 2>/dev/null; ip netns del \(b) 2>/dev/null")
                return nil
            }
        }

        func remove() { _ = Self.shell("ip netns del \(a); ip netns del \(b)") }

        static func shell(_ script: String) -> ProgramResult {
            runProgram(
                URL(filePath: "/bin/sh"), ["-c", script], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        }
    }

    @Test func unblockctlReachesUnblockdAcrossANetworkOverTLS() async throws {
        guard let network = Network() else {
            print(
                "NetworkNamespaceTests: skipped: this machine cannot make network namespaces (needs root and iproute2)")
            return
        }
        defer { network.remove() }
        try await withTemporaryDirectory { folder in
            // A certificate for the server's address on the veth link.
            let certificates = try TestCertificates(in: folder, serverAddress: network.serverAddress)
            let server = Process()
            server.executableURL = URL(filePath: "/usr/sbin/ip")
            server.arguments = [
                "netns", "exec", network.a, builtProduct("unblockd").path, "serve", "--data-dir", folder + "/data",
                "--unix-socket", folder + "/s.sock", "--tcp", "\(network.serverAddress):8625",
                "--import", UnblockdProcess.demo.path, "--password-iterations", "1000", "--journal-preallocate", "1",
                "--tls-cert", certificates.certificate("server"), "--tls-key", certificates.key("server"),
                "--log-level", "error",
            ]
            try server.run()
            defer {
                server.terminate()
                server.waitUntilExit()
            }
            let environment = ["PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": folder + "/config"]
            func unblockctl(_ arguments: [String], input: String? = nil) -> ProgramResult {
                runProgram(
                    URL(filePath: "/usr/sbin/ip"),
                    ["netns", "exec", network.b, builtProduct("unblockctl").path] + arguments
                        + ["--host", network.serverAddress, "--tls-ca", certificates.caFile],
                    input: input, environment: environment)
            }
            var healthy = false
            for _ in 0..<200 where !healthy {
                healthy = unblockctl(["health"]).status == 0
                if !healthy { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(healthy, "unblockctl in one namespace did not reach unblockd in the other")
            let login = unblockctl(["login", "--user", "alice", "--password-stdin"], input: "alice-demo-password\n")
            #expect(login.status == 0, "\(login.errors)")
            let cards = unblockctl(["cards"])
            #expect(cards.status == 0 && cards.output.contains("04A1B2C3D4E5F6"), "\(cards.errors)")
        }
    }
}
