// Every call's success path and every status it can answer, end to end over both transports.
import Foundation
import NIOCore
import Synchronization
import Testing
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct CallsTests {
    @Test(arguments: Transport.allCases)
    func healthNeedsNoSession(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let health = try await server.client(transport).health()
            #expect(health.status == .serving && !health.version.isEmpty)
        }
    }

    @Test(arguments: Transport.allCases)
    func aSessionInUseStaysAliveAndAnIdleOneExpires(_ transport: Transport) async throws {
        try await TestServer.with(configure: { $0.sessions.idleTimeout = .seconds(3) }) { server in
            var alice = try await server.login("alice", transport)
            // Calls one after another for longer than the idle timeout: each use counts. A loaded
            // machine can stall the test between two calls for longer than the timeout: a
            // session that ends after such a gap proves nothing, and the test logs in again.
            // At least three calls whatever the machine's load, and calls for longer than the timeout.
            let end = ContinuousClock.now + .seconds(4)
            var calls = 0
            var last = ContinuousClock.now
            while ContinuousClock.now < end || calls < 3 {
                do {
                    _ = try await alice.listCards()
                } catch let error as UnblockClientError
                    where error.code == .unauthenticated && ContinuousClock.now - last > .seconds(2)
                {
                    alice = try await server.login("alice", transport)
                }
                last = ContinuousClock.now
                calls += 1
            }
            try await Task.sleep(for: .seconds(4))
            #expect(await status { try await alice.listCards() } == .unauthenticated)
        }
    }

    @Test(arguments: Transport.allCases)
    func authenticateAndLogout(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = server.client(transport)
            let session = try await client.authenticate(username: "alice", password: "alice-demo-password")
            #expect(session.sessionToken.count == 43)
            #expect(session.user?.displayName == "Alice Example" && session.user?.roles == [.selfService])
            #expect(session.idleTimeoutSeconds == 900)
            #expect(session.expiresAtUnixMilliseconds > UInt64(Date().timeIntervalSince1970 * 1_000) + 7 * 3_600_000)
            let cards = try await client.listCards().cards
            #expect(cards.count == 3)
            try await client.logout()
            client.sessionToken = session.sessionToken
            #expect(await status { try await client.listCards() } == .unauthenticated)
            #expect(await status { try await client.logout() } == .unauthenticated)
        }
    }

    @Test(arguments: Transport.allCases)
    func everyLoginFailureLooksTheSame(_ transport: Transport) async throws {
        try await TestServer.with { server in
            var messages: Set<String> = []
            for (user, password) in [("alice", "wrong"), ("nobody", "x"), ("carol", "carol-demo-password")] {
                do {
                    try await server.client(transport).authenticate(username: user, password: password)
                    Issue.record("\(user) logged in")
                } catch let error as UnblockClientError {
                    #expect(error.code == .unauthenticated)
                    messages.insert(error.message)
                }
            }
            #expect(messages == ["invalid username or password"])
            // Each names its client: the local user of a Unix socket, the address of a TCP peer.
            let client = transport == .unix ? "client=uid \(getuid())" : "client=127.0.0.1"
            let details = server.store.withDirectory {
                $0.recentLogins.filter { $0.action == "authenticate" }.map(\.detail)
            }
            #expect(!details.isEmpty && details.allSatisfy { $0 == client }, "\(details)")
            // The audit keeps the real reasons.
            let outcomes = server.store.withDirectory {
                $0.recentLogins.filter { $0.action == "authenticate" }.map(\.outcome)
            }
            #expect(
                outcomes.contains("refused: wrong password") && outcomes.contains("refused: unknown user")
                    && outcomes.contains("refused: inactive account"))
        }
    }

    @Test(arguments: Transport.allCases)
    func repeatedFailuresLockTheAccount(_ transport: Transport) async throws {
        try await TestServer.with(configure: { $0.loginPolicy.maxConsecutiveFailures = 3 }) { server in
            let client = server.client(transport)
            for _ in 0..<3 {
                #expect(
                    await status { try await client.authenticate(username: "bob", password: "guess") }
                        == .unauthenticated)
            }
            // Locked: even the right password is refused, with the same answer.
            #expect(
                await status { try await client.authenticate(username: "bob", password: "bob-demo-password") }
                    == .unauthenticated)
            #expect(server.store.withDirectory { $0.account(username: "bob")?.lockedUntil } != nil)
            // Another account is not affected.
            _ = try await server.login("alice", transport)
        }
    }

    @Test(arguments: Transport.allCases)
    func aBurstOfGuessesGetsNoMoreTriesThanTheLockoutAllows(_ transport: Transport) async throws {
        try await TestServer.with(configure: {
            $0.loginPolicy.maxConsecutiveFailures = 3
            $0.logins.maximumPerUsername = 100  // the lockout alone, not the throttle
        }) { server in
            // Twelve wrong passwords and then the right one, in one write: all are read before
            // the first check ends. Only three may be checked; the right one is not among them.
            let raw = try await RawConnection.open(server.address(transport))
            var burst = ByteBuffer()
            for call in 1...13 {
                burst.writeRequestFrame(
                    callID: UInt64(call), method: SelfService.Authenticate.name,
                    request: AuthenticateRequest(
                        username: "bob", password: call == 13 ? "bob-demo-password" : "guess \(call)"))
            }
            try await raw.send(Array(burst.readableBytesView))
            let frames = try await raw.responses(13)
            #expect(frames.count == 13)
            #expect(frames.allSatisfy { $0.statusCode == .unauthenticated }, "\(frames.map(\.statusCode))")
            // Locked by the three that were checked; the right password does not clear it.
            #expect(server.store.withDirectory { $0.account(username: "bob")?.lockedUntil } != nil)
            #expect(
                await status {
                    try await server.client(transport).authenticate(username: "bob", password: "bob-demo-password")
                }
                    == .unauthenticated)
            let outcomes = server.store.withDirectory {
                $0.recentLogins.filter { $0.action == "authenticate" }.map(\.outcome)
            }
            #expect(outcomes.filter { $0 == "refused: wrong password" }.count == 3, "\(outcomes)")
        }
    }

    @Test(arguments: Transport.allCases)
    func aHashOfAnotherCostIsMadeAgainAtLoginAndTheDecoyCostsWhatMostCost(_ transport: Transport) async throws {
        // The demo accounts were hashed with 1,000 iterations; this server hashes with 2,000.
        try await TestServer.with(passwordIterations: 2_000) { server in
            func aliceIterations() -> Int? {
                server.store.withDirectory {
                    PasswordHasher.iterations(of: $0.account(username: "alice")!.passwordHash)
                }
            }
            #expect(aliceIterations() == 1_000)
            // A refused login for no account checks a decoy of the cost most accounts have.
            #expect(server.store.withDirectory(\.mostCommonPasswordIterations) == 1_000)
            _ = try await server.login("alice", transport)
            #expect(aliceIterations() == 2_000)
            _ = try await server.login("alice", transport)  // the new hash verifies
            // A wrong password changes no hash.
            #expect(
                await status { try await server.client(transport).authenticate(username: "bob", password: "x") } != nil)
            #expect(
                server.store.withDirectory { PasswordHasher.iterations(of: $0.account(username: "bob")!.passwordHash) }
                    == 1_000)
        }
    }

    @Test(arguments: Transport.allCases)
    func listCardsForSelfAndForAdmins(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", transport)
            let cards = try await alice.listCards().cards
            #expect(cards.map(\.serial) == [Demo.aliceEmployee, Demo.aliceContractor, Demo.aliceSuspended])
            #expect(cards[0].keyAlgorithm == .tripleDES && cards[0].possibleActions.isEmpty)
            #expect(cards[1].keyAlgorithm == .aes128 && cards[1].possibleActions == [.unblockPinOffline])
            #expect(cards[2].state == .suspended && cards[2].possibleActions.isEmpty)
            #expect(await status { try await alice.listCards(username: "bob") } == .permissionDenied)

            let admin = try await server.login("admin", transport)
            let bobs = try await admin.listCards(username: "bob").cards
            #expect(bobs.map(\.serial) == [Demo.bobEmployee])
            #expect(await status { try await admin.listCards(username: "nobody") } == .notFound)
        }
    }

    @Test(arguments: Transport.allCases)
    func enableAndDisableProcess(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", transport)
            #expect(await status { try await alice.enableProcess(profile: "Employee Card") } == .permissionDenied)

            let admin = try await server.login("admin", transport)
            #expect(await status { try await admin.enableProcess(profile: "No Such Profile") } == .notFound)
            #expect(
                await status { try await admin.enableProcess(profile: "Employee Card", cardState: .suspended) }
                    == .invalidArgument)
            #expect(
                await status { try await admin.enableProcess(profile: "Employee Card", process: .unspecified) }
                    == .invalidArgument)
            #expect(
                await status { try await admin.enableProcess(profile: "Employee Card", cardState: .unspecified) }
                    == .invalidArgument)

            let enabled = try await admin.enableProcess(profile: "Employee Card")
            #expect(enabled.changed && enabled.enabledProcesses == [.unblockPinOffline])
            let again = try await admin.enableProcess(profile: "Employee Card")
            #expect(again.changed == false)
            let actions = try await alice.listCards().cards[0].possibleActions
            #expect(actions == [.unblockPinOffline])

            let disabled = try await admin.disableProcess(profile: "Employee Card")
            #expect(disabled.changed && disabled.enabledProcesses.isEmpty)
            let disabledAgain = try await admin.disableProcess(profile: "Employee Card")
            #expect(disabledAgain.changed == false)
            let none = try await alice.listCards().cards[0].possibleActions
            #expect(none.isEmpty)
            let audited = server.store.withDirectory { $0.recentAudit.filter { $0.action.hasSuffix("-process") }.count }
            #expect(audited == 4)
        }
    }

    @Test(arguments: Transport.allCases)
    func unblockGivesTheEncryptedChallenge(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", transport)
            _ = try await admin.enableProcess(profile: "Employee Card")
            let alice = try await server.login("alice", transport)

            // The 3DES card: check the response against the key in the demo file.
            let answer = try await alice.unblockPinOffline(
                card: .serial(Demo.aliceEmployee), challenge: "1603 ebdf-1c8a 2e72")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TestServer.demo)) as! [String: Any]
            let entry = (json["cards"] as! [[String: Any]]).first { $0["serial"] as? String == Demo.aliceEmployee }!
            let keyHex = (entry["adminKey"] as! [String: Any])["hex"] as! String
            let key = try AdminKey(algorithm: .tripleDES, bytes: HexFormat.bytes(keyHex)!)
            let expected = try BlockCipher().encryptBlock([0x16, 0x03, 0xEB, 0xDF, 0x1C, 0x8A, 0x2E, 0x72], key: key)
            #expect(answer.responseBytes == expected)
            #expect(answer.response == HexFormat.grouped(expected))
            #expect(answer.keyVersion == 1 && answer.keyCheckValue.count == 3 && answer.keyAlgorithm == .tripleDES)

            // The AES card (derived key), named by card id.
            let cardID = try await alice.listCards().cards[1].cardID
            let aes = try await alice.unblockPinOffline(
                card: .cardID(cardID), challenge: String(repeating: "0F", count: 16))
            #expect(aes.responseBytes.count == 16 && aes.serial == Demo.aliceContractor)

            let event = server.store.withDirectory { $0.recentAudit.last { $0.action == "unblock-pin-offline" } }
            #expect(event?.actor == "alice" && event?.target == cardID)
            // What the audit keeps: the card, its key's version and check value, the challenge's hash.
            let challengeHash = SHA256Hash(digesting: Array(cardID.utf8) + [UInt8](repeating: 0x0F, count: 16))
            #expect(
                event?.detail
                    == "serial=\(Demo.aliceContractor) keyVersion=\(aes.keyVersion) "
                    + "kcv=\(HexFormat.plain(aes.keyCheckValue)) challengeSHA256=\(HexFormat.plain(challengeHash.bytes)) "
                    + "client=\(transport == .unix ? "uid \(getuid())" : "127.0.0.1")"
            )
            #expect(event?.detail.contains(aes.response.replacingOccurrences(of: " ", with: "")) == false)
        }
    }

    @Test(arguments: Transport.allCases)
    func unblockRefusals(_ transport: Transport) async throws {
        try await TestServer.with(configure: { $0.unblockPolicy.maxResponsesPerWindow = 2 }) { server in
            let alice = try await server.login("alice", transport)
            func unblock(_ card: UnblockPinOfflineRequest.CardSelector?, _ challenge: String) async -> StatusCode? {
                await status {
                    try await alice.call(
                        SelfService.UnblockPinOffline.self,
                        UnblockPinOfflineRequest(card: card, challenge: challenge))
                }
            }
            let aes = String(repeating: "A1", count: 16)
            #expect(await unblock(.serial(Demo.bobEmployee), "0011223344556677") == .notFound)  // not hers
            #expect(await unblock(.serial("00"), "0011223344556677") == .notFound)
            #expect(await unblock(.cardID("c-999999"), "0011223344556677") == .notFound)
            #expect(await unblock(nil, "0011223344556677") == .invalidArgument)
            #expect(await unblock(.serial(Demo.aliceSuspended), aes) == .failedPrecondition)
            // The Employee Card profile does not enable the process.
            #expect(await unblock(.serial(Demo.aliceEmployee), "0011223344556677") == .failedPrecondition)
            #expect(await unblock(.serial(Demo.aliceContractor), "0011 2233") == .invalidArgument)
            #expect(
                await unblock(.serial(Demo.aliceContractor), String(repeating: "G1", count: 16)) == .invalidArgument)

            #expect(await unblock(.serial(Demo.aliceContractor), aes) == nil)
            #expect(await unblock(.serial(Demo.aliceContractor), aes) == .failedPrecondition)  // replay
            #expect(await unblock(.serial(Demo.aliceContractor), String(repeating: "B2", count: 16)) == nil)
            // The limit tells a client how long to wait, and that it is not a busy server.
            let limited = await #expect(throws: UnblockClientError.self) {
                try await alice.unblockPinOffline(
                    card: .serial(Demo.aliceContractor), challenge: String(repeating: "C3", count: 16))
            }
            #expect(limited?.code == .resourceExhausted && limited?.reason == .cardResponseLimit)
            let wait = try #require(limited?.retryAfter)
            #expect(wait > .seconds(23 * 3_600) && wait <= .seconds(24 * 3_600), "\(wait)")
            #expect(limited?.message.contains("try again in 24 hours") == true, "\(limited?.message ?? "")")
        }
    }

    @Test(arguments: Transport.allCases)
    func unblocksSentTogetherAreCheckedAgainstEachOther(_ transport: Transport) async throws {
        try await TestServer.with(configure: { $0.unblockPolicy.maxResponsesPerWindow = 2 }) { server in
            let token = try await server.login("alice", transport).sessionToken
            let raw = try await RawConnection.open(server.address(transport))
            // One write: they are read in one round and recorded in one batch (or two), where each
            // must see the ones before it: a replay, and one over the limit of two.
            let challenges = ["A1", "A1", "B2", "C3"].map { String(repeating: $0, count: 16) }
            var burst = ByteBuffer()
            for (index, challenge) in challenges.enumerated() {
                burst.writeRequestFrame(
                    callID: UInt64(index + 1), method: SelfService.UnblockPinOffline.name, sessionToken: token,
                    request: UnblockPinOfflineRequest(card: .serial(Demo.aliceContractor), challenge: challenge))
            }
            try await raw.send(Array(burst.readableBytesView))
            let statuses = Dictionary(
                uniqueKeysWithValues: try await raw.responses(4).map { ($0.callID, $0.statusCode) })
            #expect(statuses.count == 4)
            #expect(statuses.values.filter { $0 == .ok }.count == 2)
            #expect(statuses[1] != .ok || statuses[2] != .ok)  // never both answers to one challenge
            #expect(statuses.values.allSatisfy { [.ok, .failedPrecondition, .resourceExhausted].contains($0) })
        }
    }

    @Test(arguments: Transport.allCases)
    func aKeyThatFailsItsCheckValueGivesNoResponse(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", transport)
            // Answered once: the card's key is now open on a crypto worker.
            _ = try await alice.unblockPinOffline(
                card: .serial(Demo.aliceContractor), challenge: String(repeating: "A1", count: 16))
            // The stored check value no longer matches the key (a damaged or tampered record).
            try await server.store.commit { directory in
                guard var card = directory.card(serial: Demo.aliceContractor) else { return ([], ()) }
                card.key.checkValue = card.key.checkValue.map { $0 ^ 0xFF }
                return ([.card(card)], ())
            }
            let second = await status {
                try await alice.unblockPinOffline(
                    card: .serial(Demo.aliceContractor), challenge: String(repeating: "B2", count: 16))
            }
            #expect(second == .internal)
            let issued = server.store.withDirectory { $0.card(serial: Demo.aliceContractor)?.responses.count }
            #expect(issued == 1)
        }
    }

    @Test(arguments: Transport.allCases)
    func invalidChallengeMessagesSayWhatIsWrong(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", transport)
            do {
                _ = try await alice.unblockPinOffline(card: .serial(Demo.aliceContractor), challenge: "1603 EBDF")
                Issue.record("accepted a short challenge")
            } catch let error as UnblockClientError {
                #expect(error.message.contains("8 hex digits") && error.message.contains("32"), "\(error.message)")
            }
        }
    }

    @Test(arguments: Transport.allCases)
    func anExpiredDeadlineIsDeadlineExceeded(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let client = server.client(transport)
            #expect(
                await status { try await client.call(SelfService.Health.self, HealthRequest(), timeout: .zero) }
                    == .deadlineExceeded)
            let health = try await client.health()
            #expect(health.status == .serving)
        }
    }

    @Test(arguments: Transport.allCases)
    func anOverloadedCryptoPoolAnswersResourceExhausted(_ transport: Transport) async throws {
        var pool = CryptoPool.Configuration.defaults
        pool.passwordWorkers = 1
        pool.passwordQueueLimit = 1
        // The pool's own queue limit, not the per-client and per-username ones.
        let unthrottled: (inout ServerConfiguration) -> Void = {
            $0.logins.maximumPerClient = 1_000
            $0.logins.maximumPerUsername = 1_000
        }
        try await TestServer.with(configure: unthrottled, pool: pool) { server in
            // The one password worker is held while the burst arrives, so that the queue's one
            // place stays taken and no check can end early (waited for without blocking).
            let held = try await HeldPasswordWorker(server.pool)
            let client = server.client(transport)
            let errors = await withTaskGroup(of: UnblockClientError?.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        do {
                            try await client.authenticate(username: "alice", password: "alice-demo-password")
                            return nil
                        } catch {
                            return error as? UnblockClientError
                        }
                    }
                }
                // One login waits in the queue's one place; the others are answered at once.
                var answers: [UnblockClientError?] = []
                for _ in 0..<39 { answers.append(await group.next() ?? nil) }
                held.release()
                for await answer in group { answers.append(answer) }
                return answers
            }
            try await held.finished()
            let busy = errors.compactMap { $0 }.filter { $0.code == .resourceExhausted }
            #expect(busy.count == 39, "\(errors)")
            #expect(busy.allSatisfy { $0.reason == .serverBusy && $0.retryAfter == .milliseconds(200) })
            #expect(errors.last == .some(nil), "the queued login succeeds once the worker is free")
        }
    }

    @Test(arguments: Transport.allCases)
    func oneClientCannotFillThePasswordQueue(_ transport: Transport) async throws {
        var pool = CryptoPool.Configuration.defaults
        pool.passwordWorkers = 1
        try await TestServer.with(configure: { $0.logins.maximumPerClient = 2 }, pool: pool) { server in
            // The one password worker is held, so that no check can end while the burst arrives.
            // (Waited for without blocking: the test's tasks share the cooperative threads.)
            let held = try await HeldPasswordWorker(server.pool)
            // Ten logins for unknown users at once from one client: two wait for a check, the
            // other eight are refused at once as busy (without a password check).
            let client = server.client(transport)
            let statuses = await withTaskGroup(of: UnblockClientError?.self) { group in
                for call in 1...10 {
                    group.addTask {
                        do {
                            try await client.authenticate(username: "nobody\(call)", password: "guess")
                            return nil
                        } catch {
                            return error as? UnblockClientError
                        }
                    }
                }
                var answers: [UnblockClientError?] = []
                for _ in 0..<8 { answers.append(await group.next() ?? nil) }
                held.release()
                for await answer in group { answers.append(answer) }
                return answers
            }
            try await held.finished()
            let busy = statuses.prefix(8)
            #expect(busy.allSatisfy { $0?.code == .resourceExhausted && $0?.reason == .serverBusy }, "\(statuses)")
            #expect(busy.allSatisfy { ($0?.retryAfter ?? .zero) > .zero })
            #expect(statuses.suffix(2).allSatisfy { $0?.code == .unauthenticated }, "\(statuses)")
            // Another client logs in meanwhile (over TCP: from another loopback address).
            if transport == .tcp {
                let other = try await RawConnection.open(server.address(transport), from: "127.0.0.2")
                var login = ByteBuffer()
                login.writeRequestFrame(
                    callID: 1, method: SelfService.Authenticate.name,
                    request: AuthenticateRequest(username: "alice", password: "alice-demo-password"))
                try await other.send(Array(login.readableBytesView))
                #expect(try await other.responses(1).first?.statusCode == .ok)
            }
            // And the same client again, once its checks are done.
            _ = try await server.login("alice", transport)
        }
    }

    /// Logins whose deadline passes while they wait for the password lane are answered
    /// DEADLINE_EXCEEDED then, and their passwords are never hashed: a client that has
    /// given up costs no hash, and the calls behind it do not wait for one.
    // The order in which the queued logins reach the one password worker follows their commits'
    // order, which a database's latency shuffles: the embedded store's timing only.
    @Test(.enabled(if: TestStore.current == .embedded), arguments: Transport.allCases)
    func aLoginPastItsDeadlineInThePoolQueueIsNeverHashed(_ transport: Transport) async throws {
        var pool = CryptoPool.Configuration.defaults
        pool.passwordWorkers = 1
        try await TestServer.with(pool: pool) { server in
            // Alice's stored hash takes ~0.3 s to verify here (1,000,000 iterations; the digest
            // is arbitrary, so nothing is computed here), three times the calls' deadline: it
            // holds the only worker past it.
            let slowHash = "$pbkdf2-sha256$i=1000000$c2FsdHNhbHRzYWx0c2FsdA$" + String(repeating: "A", count: 43)
            try await server.store.commit { directory in
                guard var alice = directory.account(username: "alice") else { return ([], ()) }
                alice.passwordHash = slowHash
                return ([.account(alice)], ())
            }
            let raw = try await RawConnection.open(server.address(transport))
            var burst = ByteBuffer()
            for (callID, username) in [(1, "alice"), (2, "bob"), (3, "bob"), (4, "bob")] {
                burst.writeRequestFrame(
                    callID: UInt64(callID), method: SelfService.Authenticate.name, timeoutMilliseconds: 100,
                    request: AuthenticateRequest(username: username, password: "\(username)-demo-password"))
            }
            try await raw.send(Array(burst.readableBytesView))
            let statuses = try await raw.responses(4).map(\.statusCode)
            #expect(statuses == [.deadlineExceeded, .deadlineExceeded, .deadlineExceeded, .deadlineExceeded])

            // Bob's queued logins were dropped, not hashed late: no outcome of theirs was audited.
            let bob = server.client(transport)
            try await bob.authenticate(username: "bob", password: "bob-demo-password")
            let bobsLogins = server.store.withDirectory { directory in
                directory.recentLogins.filter { $0.action == "authenticate" && $0.actor == "bob" }
            }
            #expect(bobsLogins.map(\.outcome) == ["success"])
        }
    }
}
