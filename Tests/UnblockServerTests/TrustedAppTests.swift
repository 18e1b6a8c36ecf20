// client_info in the envelope: honoured from a trusted app's connection only, checked, and recorded in the audit.
import Glibc
import Testing
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct TrustedAppTests {
    static let portal = ClientInfo(app: "unblock-portal", endUserAddress: "203.0.113.7")

    /// Alice's login, made through an app naming a browser; the audit event it left.
    static func loginEvent(_ server: TestServer, clientInfo: ClientInfo) async throws -> AuditEventRecord? {
        _ = try await server.client(.unix).call(
            SelfService.Authenticate.self, AuthenticateRequest(username: "alice", password: "alice-demo-password"),
            clientInfo: clientInfo)
        let desk = try await server.login("desk", .unix)
        return try await desk.listAuditEvents(ListAuditEventsRequest(user: "alice", action: "authenticate")).events
            .first
    }

    @Test func aTrustedAppsCallsAreRecordedWithTheAppAndTheBrowser() async throws {
        try await TestServer.with(configure: { $0.trustedAppUIDs = [getuid()] }) { server in
            let event = try #require(try await Self.loginEvent(server, clientInfo: Self.portal))
            #expect(event.detail == "client=uid \(getuid()) app=unblock-portal end_user=203.0.113.7", "\(event)")
            // A trusted app's malformed client_info is refused, not recorded as it is.
            let forged = ClientInfo(app: "portal x=1", endUserAddress: "203.0.113.7")
            let code = await status {
                try await server.client(.unix).call(
                    SelfService.Authenticate.self,
                    AuthenticateRequest(username: "alice", password: "alice-demo-password"), clientInfo: forged)
            }
            #expect(code == .invalidArgument)
        }
    }

    @Test func anyOtherConnectionsClientInfoIsIgnored() async throws {
        try await TestServer.with { server in
            let event = try #require(try await Self.loginEvent(server, clientInfo: Self.portal))
            #expect(event.detail == "client=uid \(getuid())", "\(event)")
        }
    }

    @Test func theLoginLimitsCountEachBrowserOfATrustedApp() async throws {
        var pool = CryptoPool.Configuration.defaults
        pool.passwordWorkers = 1
        let configure: (inout ServerConfiguration) -> Void = {
            $0.trustedAppUIDs = [getuid()]
            $0.logins.maximumPerClient = 1
        }
        try await TestServer.with(configure: configure, pool: pool) { server in
            // The one password worker is held: no check ends until the gate opens.
            let held = try await HeldPasswordWorker(server.pool)
            let client = server.client(.unix)
            let answers = try await withThrowingTaskGroup(of: (String, UnblockClientError?).self) { group in
                // Two logins from one browser: one waits for its check, the other is refused as busy.
                for (label, user, address) in [
                    ("first", "nobody1", "198.51.100.1"), ("first", "nobody2", "198.51.100.1"),
                ] {
                    group.addTask { (label, await Self.login(client, user, "guess", from: address)) }
                }
                var answers = [try await group.next()!]
                // Another browser's login through the same app is not refused meanwhile.
                group.addTask {
                    ("second", await Self.login(client, "alice", "alice-demo-password", from: "198.51.100.2"))
                }
                try await Task.sleep(for: .milliseconds(300))
                held.release()
                for try await answer in group { answers.append(answer) }
                return answers
            }
            try await held.finished()
            #expect(answers.first?.0 == "first" && answers.first?.1?.reason == .serverBusy, "\(answers)")
            #expect(answers.contains { $0.0 == "second" && $0.1 == nil }, "\(answers)")
        }
    }

    static func login(_ client: UnblockClient, _ user: String, _ password: String, from address: String) async
        -> UnblockClientError?
    {
        do {
            _ = try await client.call(
                SelfService.Authenticate.self, AuthenticateRequest(username: user, password: password),
                clientInfo: ClientInfo(app: "unblock-portal", endUserAddress: address))
            return nil
        } catch {
            return error as? UnblockClientError
        }
    }
}
