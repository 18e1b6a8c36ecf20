// The session table's bound, end to end: when every session is live, a login ends the least recently used.
import Testing
import UnblockClient
import UnblockTesting
import UnblockWire

@Suite struct SessionLimitTests {
    /// Logs alice in `count` times, each login a few milliseconds after the one before (sessions
    /// are ordered by millisecond timestamps); one client per session.
    func logins(_ count: Int, _ server: TestServer, _ transport: Transport) async throws -> [UnblockClient] {
        var clients: [UnblockClient] = []
        for _ in 0..<count {
            clients.append(try await server.login("alice", transport))
            try await Task.sleep(for: .milliseconds(3))
        }
        return clients
    }

    @Test(arguments: Transport.allCases)
    func aLoginIntoAFullTableEndsTheLeastRecentlyUsedSessionNotTheOldest(_ transport: Transport) async throws {
        let capture = LogCapture()
        // A use is recorded once a second has passed since the last one; sessions stay alive a
        // minute without use (beside two CPU hogs, several seconds once passed between two calls).
        try await TestServer.with(
            configure: {
                $0.sessions.maximum = 3
                $0.sessions.idleTimeout = .seconds(64)
            },
            logger: capture.logger(level: .info)
        ) { server in
            let first = try await logins(3, server, transport)
            try await Task.sleep(for: .milliseconds(1_100))
            _ = try await first[0].listCards()  // now the most recently used
            let fourth = try await server.login("alice", transport)

            #expect(await status { try await first[1].listCards() } == .unauthenticated)
            for client in [first[0], first[2], fourth] { _ = try await client.listCards() }
            let warning = try #require(capture.all.first { $0.message.contains("session table is full") })
            #expect(warning.level == .warning && warning.metadata["ended"] == "1")
        }
    }

    @Test(arguments: Transport.allCases)
    func aFullTableFreesABatchAtOnceSoThatTheNextLoginsEndNoSession(_ transport: Transport) async throws {
        // 128 sessions: a full table frees 128 / 64 = 2 places at once. (One user holds them
        // all here: the limit per user is lifted.)
        try await TestServer.with(configure: {
            $0.sessions.maximum = 128
            $0.sessions.maximumPerAccount = 1_000
        }) { server in
            let clients = try await logins(130, server, transport)
            // The 129th login ended the two oldest; the 130th found a free place. (Checked before
            // any call touches a session, which would change which are the least recently used.)
            #expect(await status { try await clients[0].listCards() } == .unauthenticated)
            #expect(await status { try await clients[1].listCards() } == .unauthenticated)
            // The next login fills the table again and ends the next two.
            _ = try await server.login("alice", transport)
            #expect(await status { try await clients[2].listCards() } == .unauthenticated)
            #expect(await status { try await clients[3].listCards() } == .unauthenticated)
            for (index, client) in clients.enumerated().dropFirst(4) {
                #expect(await status { try await client.listCards() } == nil, "session \(index + 1)")
            }
        }
    }

    @Test(arguments: Transport.allCases)
    func aUserAtTheLimitPerUserEndsTheirOwnLeastRecentlyUsedSessionNotOthers(_ transport: Transport) async throws {
        // A use is recorded once a second has passed since the last one; sessions stay alive a
        // minute without use (beside two CPU hogs, several seconds once passed between two calls).
        try await TestServer.with(configure: {
            $0.sessions.maximumPerAccount = 2
            $0.sessions.idleTimeout = .seconds(64)
        }) { server in
            let bob = try await server.login("bob", transport)
            let alice = try await logins(2, server, transport)
            try await Task.sleep(for: .milliseconds(1_100))
            _ = try await alice[0].listCards()  // alice's most recently used
            let third = try await server.login("alice", transport)

            #expect(await status { try await alice[1].listCards() } == .unauthenticated)
            for client in [alice[0], third, bob] { _ = try await client.listCards() }
        }
    }
}
