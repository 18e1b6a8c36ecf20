// Two unblockd nodes on one PostgreSQL, both real processes: what one node does, the other honours.
import Foundation
import Synchronization
import Testing
import UnblockClient
import UnblockTesting
import UnblockWire

/// Two nodes sharing a database the test starts; the second gets the first's master key.
struct TwoNodes {
    let postgres: PostgresProcess
    let a: UnblockdProcess
    let b: UnblockdProcess

    static func start(extra: [String] = [], cardsForAlice: Int = 0) async throws -> TwoNodes {
        let postgres = try PostgresProcess()
        var directory = UnblockdProcess.demo.path
        if cardsForAlice > 0 {
            // The demo, and alice's own card for each client of a load (each card has its daily limit).
            let demo = try JSONSerialization.jsonObject(with: Data(contentsOf: UnblockdProcess.demo)) as! [String: Any]
            var file = demo
            file["cards"] =
                (demo["cards"] as! [Any])
                + (0..<cardsForAlice).map { index in
                    [
                        "serial": String(format: "05%012X", index), "owner": "alice", "profile": "Contractor Card",
                        "state": "active", "adminKey": ["algorithm": "aes128", "derive": true],
                    ] as [String: Any]
                }
            directory = postgres.folder + "/directory.json"
            try JSONSerialization.data(withJSONObject: file).write(to: URL(filePath: directory))
        }
        let node = [
            "--store", "postgres", "--postgres-url", postgres.url, "--responses-per-day", "5",
            "--max-login-failures", "5",
        ]
        let environment = ["UNBLOCK_POSTGRES_PASSWORD": postgres.password, "UNBLOCK_CONFIG": ""]
        do {
            let a = try await UnblockdProcess(extra: node + extra, directoryFile: directory, environment: environment)
            let b = try await UnblockdProcess(extra: node + extra, directoryFile: directory, environment: environment) {
                b in
                try FileManager.default.copyItem(
                    atPath: a.dataDirectory + "/master.key", toPath: b.dataDirectory + "/master.key")
            }
            return TwoNodes(postgres: postgres, a: a, b: b)
        } catch {
            postgres.stop()
            throw error
        }
    }

    func stop() {
        a.stop()
        b.stop()
        postgres.stop()
    }

    func client(_ node: UnblockdProcess) -> UnblockClient {
        UnblockClient(target: .unixDomainSocket(path: node.socket), defaultTimeout: .seconds(10))
    }

    /// A random challenge for an AES card (16 bytes, hex).
    static func challenge() -> String {
        (0..<16).map { _ in String(format: "%02X", UInt8.random(in: 0...255)) }.joined()
    }
}

/// Waits up to `limit` for `condition`; whether it held.
func eventually(within limit: Duration, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    repeat {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    } while ContinuousClock.now < deadline
    return await condition()
}

/// Several real processes under load: run alone (Scripts/test sets UNBLOCK_NODE_TESTS=1 for a
/// pass of their own), where the rest of the tests cannot starve them or be starved by them.
let nodeTestsRun = ProcessInfo.processInfo.environment["UNBLOCK_NODE_TESTS"] == "1"

@Suite(.serialized, .enabled(if: nodeTestsRun)) struct SeveralNodesTests {
    static let contractor = "04A1B2C3D4E5F6"  // alice's AES card, its profile enabled
    static let employee = "04782E21801D80"  // alice's 3DES card, its profile not enabled

    @Test func aSessionAChallengeALimitAProcessAndALockoutHoldOnBothNodes() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let onA = nodes.client(nodes.a)
        try await onA.authenticate(username: "alice", password: "alice-demo-password")
        // The session made on A is valid on B.
        let onB = nodes.client(nodes.b)
        onB.sessionToken = onA.sessionToken
        #expect(try await onB.listCards().cards.count == 3)

        // A challenge answered on A is refused on B.
        let first = TwoNodes.challenge()
        _ = try await onA.unblockPinOffline(card: .serial(Self.contractor), challenge: first)
        #expect(
            await status { try await onB.unblockPinOffline(card: .serial(Self.contractor), challenge: first) }
                == .failedPrecondition)
        // Five responses split over A and B use the card's limit of five.
        for client in [onB, onA, onB, onA] {
            _ = try await client.unblockPinOffline(card: .serial(Self.contractor), challenge: TwoNodes.challenge())
        }
        for client in [onA, onB] {
            #expect(
                await status {
                    try await client.unblockPinOffline(card: .serial(Self.contractor), challenge: TwoNodes.challenge())
                }
                    == .resourceExhausted)
        }

        // A process enabled through A is honoured by B within a second.
        let admin = nodes.client(nodes.a)
        try await admin.authenticate(username: "admin", password: "admin-demo-password")
        #expect(
            await status {
                try await onB.unblockPinOffline(card: .serial(Self.employee), challenge: "0011223344556677")
            } == .failedPrecondition)
        _ = try await admin.enableProcess(profile: "Employee Card")
        #expect(
            await eventually(within: .seconds(1)) {
                await status {
                    try await onB.unblockPinOffline(card: .serial(Self.employee), challenge: "0011223344556677")
                } == nil
            })

        // A logout on B ends the session on A too.
        try await onB.logout()
        #expect(
            await eventually(within: .seconds(1)) { await status { try await onA.listCards() } == .unauthenticated })

        // Failures on both nodes count towards one lockout.
        let bobOnA = nodes.client(nodes.a)
        let bobOnB = nodes.client(nodes.b)
        for (index, client) in [bobOnA, bobOnB, bobOnA, bobOnB, bobOnA].enumerated() {
            #expect(
                await status { try await client.authenticate(username: "bob", password: "wrong-\(index)") }
                    == .unauthenticated)
        }
        #expect(
            await status { try await bobOnB.authenticate(username: "bob", password: "bob-demo-password") }
                == .unauthenticated)
    }
}

@Suite(.enabled(if: nodeTestsRun)) struct PostgresImportTests {
    /// `unblockd import --store postgres` fills the shared store (all or nothing), and a node
    /// started on it serves what was imported.
    @Test func unblockdImportsIntoPostgresAndANodeServesIt() async throws {
        let postgres = try PostgresProcess()
        defer { postgres.stop() }
        let environment = [
            "PATH": "/usr/bin:/bin", "UNBLOCK_POSTGRES_PASSWORD": postgres.password, "UNBLOCK_CONFIG": "",
        ]
        let keys = postgres.folder + "/keys"
        let importing = [
            "import", "--store", "postgres", "--postgres-url", postgres.url, "--data-dir", keys,
            "--password-iterations", "1000", UnblockdProcess.demo.path,
        ]
        let imported = runProgram(builtProduct("unblockd"), importing, environment: environment)
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.contains("imported 2 profiles, 5 users and 5 cards into postgres://unblock@"))
        // Again: every entry exists, nothing is written, and each is named.
        let again = runProgram(builtProduct("unblockd"), importing, environment: environment)
        #expect(again.status == 65 && again.errors.contains("alice"), "\(again.errors)")

        let node = try await UnblockdProcess(
            extra: ["--store", "postgres", "--postgres-url", postgres.url], directoryFile: "",
            environment: ["UNBLOCK_POSTGRES_PASSWORD": postgres.password, "UNBLOCK_CONFIG": ""]
        ) { node in
            try FileManager.default.copyItem(atPath: keys + "/master.key", toPath: node.dataDirectory + "/master.key")
        }
        defer { node.stop() }
        let alice = UnblockClient(target: .unixDomainSocket(path: node.socket))
        try await alice.authenticate(username: "alice", password: "alice-demo-password")
        #expect(try await alice.listCards().cards.count == 3)
    }
}

@Suite(.serialized, .enabled(if: nodeTestsRun)) struct NodeFailureTests {
    @Test func callsFailUnavailableWhileTheDatabaseIsDownAndServiceResumesByItself() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let alice = nodes.client(nodes.a)
        try await alice.authenticate(username: "alice", password: "alice-demo-password")
        _ = try await alice.unblockPinOffline(
            card: .serial(SeveralNodesTests.contractor), challenge: TwoNodes.challenge())

        nodes.postgres.stop(keepingData: true)
        #expect(await eventually(within: .seconds(10)) { (try? await alice.health().status) == .notServing })
        #expect(
            await status {
                try await alice.unblockPinOffline(
                    card: .serial(SeveralNodesTests.contractor), challenge: TwoNodes.challenge())
            } == .unavailable)
        // Reads too: the copy in memory can no longer be known current.
        #expect(await status { try await alice.listCards() } == .unavailable)

        try nodes.postgres.start()
        #expect(await eventually(within: .seconds(15)) { (try? await alice.health().status) == .serving })
        #expect(
            await status {
                try await alice.unblockPinOffline(
                    card: .serial(SeveralNodesTests.contractor), challenge: TwoNodes.challenge())
            } == nil)
    }

    /// Node A is killed under the load of 50 clients that know both nodes: every call is answered
    /// or fails with a clear status, every acknowledged response is on record (B refuses its
    /// challenge again), and no challenge is answered twice.
    @Test func aNodeKilledUnderLoadLosesNothingAcknowledgedAndClientsFailOver() async throws {
        let nodes = try await TwoNodes.start(extra: ["--responses-per-day", "1000"], cardsForAlice: 50)
        defer { nodes.stop() }
        let addresses: [BindAddress] = [
            .unixDomainSocket(path: nodes.a.socket), .unixDomainSocket(path: nodes.b.socket),
        ]
        let first = UnblockClient(targets: addresses, defaultTimeout: .seconds(10))
        try await first.authenticate(username: "alice", password: "alice-demo-password")
        let token = first.sessionToken
        let stop = ContinuousClock.now + .seconds(4)
        let progress = KillProgress()
        let outcomes = try await withThrowingTaskGroup(
            of: [(challenge: String, outcome: Result<String, UnblockClientError>)].self
        ) {
            group in
            for index in 0..<50 {
                let card = String(format: "05%012X", index)
                group.addTask {
                    let client = UnblockClient(targets: addresses, defaultTimeout: .seconds(10))
                    client.sessionToken = token
                    var outcomes: [(challenge: String, outcome: Result<String, UnblockClientError>)] = []
                    while ContinuousClock.now < stop {
                        let challenge = TwoNodes.challenge()
                        do {
                            let answer = try await client.unblockPinOffline(card: .serial(card), challenge: challenge)
                            outcomes.append((card + challenge, .success(answer.response)))
                            if progress.killed.load(ordering: .acquiring) {
                                progress.answeredAfter.add(1, ordering: .relaxed)
                            }
                        } catch let error as UnblockClientError {
                            outcomes.append((card + challenge, .failure(error)))
                        }
                    }
                    await client.close()
                    return outcomes
                }
            }
            try await Task.sleep(for: .seconds(1))
            nodes.a.kill()
            progress.killed.store(true, ordering: .releasing)
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let answered = outcomes.filter { if case .success = $0.outcome { true } else { false } }
        let failed = outcomes.compactMap { if case .failure(let error) = $0.outcome { error } else { nil } }
        #expect(answered.count > 100, "\(answered.count) answered, \(failed.count) failed")
        // Answered after the kill too: the clients moved to B.
        #expect(progress.answeredAfter.load(ordering: .relaxed) > 50)
        #expect(
            failed.allSatisfy { $0.code == .unavailable && !$0.message.isEmpty }, "\(Set(failed.map(\.description)))")
        #expect(Set(answered.map(\.challenge)).count == answered.count, "a challenge answered twice")
        // Every acknowledged response is on record: B refuses each challenge as answered already.
        let check = UnblockClient(target: addresses[1], defaultTimeout: .seconds(10))
        check.sessionToken = token
        for (call, _) in answered {
            let (card, challenge) = (String(call.prefix(14)), String(call.dropFirst(14)))
            let status = await status { try await check.unblockPinOffline(card: .serial(card), challenge: challenge) }
            #expect(status == .failedPrecondition, "\(challenge) on \(card) was answered but is not on record")
        }
    }
}

/// Whether node A was killed yet, and how many calls were answered since.
final class KillProgress: Sendable {
    let killed = Atomic(false)
    let answeredAfter = Atomic(0)
}
