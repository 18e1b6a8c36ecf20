// Who each of the harness's connections calls as: its own users, logged in, or the given credentials.
import Foundation
import UnblockClient
import UnblockWire

extension UnblockBench {
    /// The identities each connection uses in turn: the harness's users, logged in (several
    /// per connection for unblocks, so that no card nears its daily limit or remembers more
    /// responses than a real card would), or the given credentials.
    func makeIdentities(targets: [BindAddress], managed: Bool, connector: Connector) async throws
        -> [[BenchIdentity]]
    {
        if managed {
            let admin = try connector.client(targets)
            try await admin.authenticate(username: "bench-admin", password: ManagedServer.adminPassword)
            _ = try await admin.enableProcess(profile: ManagedServer.profile)
            await admin.close()
            let unblocks = try weights().contains { $0.0 == .unblockPinOffline }
            let perConnection = unblocks ? max(1, min(64, users / connections)) : 1
            // One login connection per bench connection (thousands at once overflow the listen backlog).
            return try await withThrowingTaskGroup(of: (Int, [BenchIdentity]).self) { group in
                for connection in 0..<connections {
                    group.addTask {
                        let client = try connector.client(targets)
                        var identities: [BenchIdentity] = []
                        // Connection c uses users c, c + connections, ...: its own.
                        for slot in stride(from: connection, to: connections * perConnection, by: connections) {
                            let index = slot % users
                            let session = try await client.authenticate(
                                username: ManagedServer.username(index), password: ManagedServer.password)
                            identities.append(
                                BenchIdentity(
                                    username: ManagedServer.username(index), password: ManagedServer.password,
                                    token: session.sessionToken, cardSerial: ManagedServer.serial(index),
                                    challengeBytes: ManagedServer.challengeBytes(index)))
                        }
                        await client.close()
                        return (connection, identities)
                    }
                }
                let byConnection = try await group.reduce(into: [Int: [BenchIdentity]]()) { $0[$1.0] = $1.1 }
                return (0..<connections).map { byConnection[$0]! }
            }
        }
        let password = password ?? ProcessInfo.processInfo.environment["UNBLOCK_BENCH_PASSWORD"] ?? ""
        var identity = BenchIdentity(
            username: user ?? "", password: password, token: "", cardSerial: card ?? "",
            challengeBytes: 8)
        if let user {
            let client = try connector.client(targets)
            identity.token = try await client.authenticate(username: user, password: password).sessionToken
            if let card, let found = try await client.listCards().cards.first(where: { $0.serial == card }) {
                identity.challengeBytes = found.keyAlgorithm == .tripleDES ? 8 : 16
            }
            await client.close()
        }
        return Array(repeating: [identity], count: connections)
    }
}
