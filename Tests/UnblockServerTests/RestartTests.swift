// Enabled processes, audit, response counters and lockouts survive a graceful restart and a SIGKILL.
import Foundation
import Testing
import UnblockClient
import UnblockCore
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct RestartTests {
    /// Changes every kind of state: a process enabled, responses counted, an account locked.
    static func makeChanges(_ admin: UnblockClient, _ alice: UnblockClient, _ bob: UnblockClient) async throws {
        _ = try await admin.enableProcess(profile: "Employee Card")
        _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceEmployee), challenge: "1111 2222 3333 4444")
        _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceEmployee), challenge: "5555 6666 7777 8888")
        for _ in 0..<3 { _ = await status { try await bob.authenticate(username: "bob", password: "wrong") } }
    }

    /// Checks that the state `makeChanges` left is all there.
    static func checkChanges(_ address: BindAddress) async throws {
        let alice = UnblockClient(target: address)
        try await alice.authenticate(username: "alice", password: "alice-demo-password")
        let cards = try await alice.listCards().cards
        #expect(cards[0].possibleActions == [.unblockPinOffline], "the enabled process is back")
        // The replayed challenge is refused, and the limit of 3 counts the two earlier responses.
        #expect(
            await status {
                try await alice.unblockPinOffline(card: .serial(Demo.aliceEmployee), challenge: "1111 2222 3333 4444")
            } == .failedPrecondition)
        _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceEmployee), challenge: "9999 AAAA BBBB CCCC")
        #expect(
            await status {
                try await alice.unblockPinOffline(card: .serial(Demo.aliceEmployee), challenge: "DDDD EEEE FFFF 0000")
            } == .resourceExhausted)
        // Bob is still locked.
        #expect(
            await status {
                try await UnblockClient(target: address).authenticate(username: "bob", password: "bob-demo-password")
            }
                == .unauthenticated)
    }

    @Test func stateSurvivesAGracefulRestart() async throws {
        let folder = "/tmp/ub-restart-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func configure(_ configuration: inout ServerConfiguration) {
            configuration.loginPolicy.maxConsecutiveFailures = 3
            configuration.unblockPolicy.maxResponsesPerWindow = 3
        }
        try await TestServer.with(folder: folder, configure: configure) { server in
            try await Self.makeChanges(
                try await server.login("admin", .unix), try await server.login("alice", .unix), server.client(.unix))
        }
        try await TestServer.with(folder: folder, configure: configure) { server in
            let audit = server.store.withDirectory { $0.recentAudit.map(\.action) }
            #expect(audit.filter { $0 == "unblock-pin-offline" }.count == 2)
            #expect(audit.contains("enable-process") && !audit.contains(AuditEvent.loginAction))
            // Logins keep their own trail, through the snapshot and back.
            #expect(server.store.withDirectory { $0.recentLogins.contains { $0.outcome == "success" } })
            try await Self.checkChanges(server.address(.unix))
        }
    }

    @Test func stateSurvivesSIGKILL() async throws {
        let unblockd = builtProduct("unblockd")
        let folder = "/tmp/ub-kill-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let socket = folder + "/s.sock"
        func start() throws -> Process {
            let process = Process()
            process.executableURL = unblockd
            process.arguments = [
                "serve", "--data-dir", folder + "/data", "--unix-socket", socket, "--tcp", "none",
                "--import", TestServer.demo.path, "--password-iterations", "1000", "--max-login-failures", "3",
                "--responses-per-day", "3", "--log-level", "warning",
            ]
            try process.run()
            return process
        }
        func waitUntilServing() async throws {
            for _ in 0..<500 {
                if (try? await UnblockClient(target: .unixDomainSocket(path: socket)).health()) != nil { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("unblockd did not start")
        }

        let first = try start()
        try await waitUntilServing()
        let address = BindAddress.unixDomainSocket(path: socket)
        let admin = UnblockClient(target: address)
        try await admin.authenticate(username: "admin", password: "admin-demo-password")
        let alice = UnblockClient(target: address)
        try await alice.authenticate(username: "alice", password: "alice-demo-password")
        try await Self.makeChanges(admin, alice, UnblockClient(target: address))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)

        let second = try start()
        try await waitUntilServing()
        try await Self.checkChanges(address)
        second.terminate()  // SIGTERM: graceful
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "graceful shutdown exits 0")
    }
}
