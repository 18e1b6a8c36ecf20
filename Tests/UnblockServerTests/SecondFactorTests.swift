// TOTP as a second factor through a real server: enrolment, codes at login, replay, lockout, policies, restart.
import Foundation
import Testing
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct SecondFactorTests {
    /// The secret in an `otpauth://` URI, as an authenticator app reads it.
    static func secret(of uri: String) throws -> SecretBytes {
        SecretBytes(try #require(otpauthSecret(of: uri)))
    }

    static func code(_ secret: SecretBytes, stepsFromNow: Int64 = 0) -> String {
        TOTP.code(
            secret: secret, step: TOTP.step(at: Int64(Date().timeIntervalSince1970)) &+ UInt64(bitPattern: stepsFromNow)
        )
    }

    static func login(_ server: TestServer, _ user: String, code: String = "") async -> UnblockClientError? {
        do {
            try await server.client(.unix).authenticate(
                username: user, password: "\(user)-demo-password", oneTimeCode: code)
            return nil
        } catch {
            return error as? UnblockClientError
        }
    }

    @Test func optionalCodesAreAskedOnlyOfEnrolledUsersAndEachIsGoodOnce() async throws {
        try await TestServer.with(configure: { $0.secondFactor = .optional }) { server in
            #expect(try await server.client(.unix).health().secondFactor == .optional)
            #expect(await Self.login(server, "alice") == nil, "not enrolled: the password alone")
            let admin = try await server.login("admin", .unix)
            let enrolled = try await admin.enrollTOTP(username: "alice")
            #expect(enrolled.uri.hasPrefix("otpauth://totp/Unblock:alice?secret=") && enrolled.user.totpEnrolled)
            let secret = try Self.secret(of: enrolled.uri)

            let missing = await Self.login(server, "alice")
            #expect(
                missing?.code == .unauthenticated && missing?.message == "invalid username, password or one-time code")
            let wrong = Self.code(secret) == "123456" ? "654321" : "123456"
            #expect(await Self.login(server, "alice", code: wrong)?.code == .unauthenticated)
            // Wrong codes count toward the lockout like wrong passwords; the audit says which.
            #expect(try await admin.getUser(username: "alice").failedLogins == 2)
            let desk = try await server.login("desk", .unix)
            let outcomes = try await desk.listAuditEvents(ListAuditEventsRequest(user: "alice", action: "authenticate"))
                .events.map(\.outcome)
            #expect(outcomes.filter { $0 == "refused: wrong one-time code" }.count == 2, "\(outcomes)")

            let code = Self.code(secret)
            #expect(await Self.login(server, "alice", code: code) == nil)
            #expect(await Self.login(server, "alice", code: code)?.code == .unauthenticated, "a replay")
            // A code of the next step is still good, once.
            #expect(await Self.login(server, "alice", code: Self.code(secret, stepsFromNow: 1)) == nil)

            // A help desk may not enrol; an administrator removes it, and the password alone works again.
            #expect(await status { try await desk.enrollTOTP(username: "bob") } == .permissionDenied)
            #expect(try await admin.removeTOTP(username: "alice").changed)
            #expect(await Self.login(server, "alice") == nil)
        }
    }

    @Test func requiredCodesAreAskedAndSecretsSurviveARestart() async throws {
        let folder = "/tmp/ub-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Enrolled while codes were optional (the administrator has none)...
        let uri = try await TestServer.with(folder: folder, configure: { $0.secondFactor = .optional }) { server in
            try await server.login("admin", .unix).enrollTOTP(username: "bob").uri
        }
        // ... and required after a restart: the sealed secret opens, and a user without one is kept out.
        try await TestServer.with(folder: folder, configure: { $0.secondFactor = .required }) { server in
            let enrolOnly = try await server.client(.unix).authenticate(
                username: "alice", password: "alice-demo-password")
            #expect(enrolOnly.secondFactorEnrollmentRequired, "no secret enrolled: a session to enrol one")
            #expect(await Self.login(server, "bob")?.code == .unauthenticated, "no code given")
            let secret = try Self.secret(of: uri)
            #expect(await Self.login(server, "bob", code: Self.code(secret)) == nil)
        }
    }

    @Test func offNeverAsksAndTheMessageStaysThePasswordOne() async throws {
        try await TestServer.with { server in
            #expect(try await server.client(.unix).health().secondFactor == .off)
            let wrong = await status {
                try await server.client(.unix).authenticate(username: "alice", password: "wrong")
            }
            #expect(wrong == .unauthenticated)
            let admin = try await server.login("admin", .unix)
            _ = try await admin.enrollTOTP(username: "alice")
            #expect(await Self.login(server, "alice") == nil, "the policy is off: the secret is not asked for")
        }
    }

    @Test func withCodesRequiredAUserWithoutASecretMayOnlyEnrolOneThenLogsInWithIt() async throws {
        try await TestServer.with(configure: { $0.secondFactor = .required }) { server in
            let alice = server.client(.unix)
            let login = try await alice.authenticate(username: "alice", password: "alice-demo-password")
            #expect(login.secondFactorEnrollmentRequired)
            #expect(await status { try await alice.listCards() } == .permissionDenied)
            // A wrong password still gets nothing.
            #expect(
                await status { try await server.client(.unix).authenticate(username: "alice", password: "wrong") }
                    == .unauthenticated)
            let uri = try await alice.beginSecondFactorEnrollment()
            let secret = try Self.secret(of: uri)
            let wrong = Self.code(secret) == "123456" ? "654321" : "123456"
            #expect(
                await status { try await alice.confirmSecondFactorEnrollment(oneTimeCode: wrong) } == .invalidArgument)
            #expect(try await alice.confirmSecondFactorEnrollment(oneTimeCode: Self.code(secret)), "the session ends")
            #expect(await status { try await alice.listCards() } == .unauthenticated)
            // The code just used is spent: the next one logs in, with a full session.
            let next = Self.code(secret, stepsFromNow: 1)
            let full = try await alice.authenticate(
                username: "alice", password: "alice-demo-password", oneTimeCode: next)
            #expect(!full.secondFactorEnrollmentRequired)
            #expect(try await alice.listCards().cards.count == 3)
        }
    }

    @Test func withCodesOffThereIsNothingToEnrol() async throws {
        try await TestServer.with { server in
            let alice = try await server.login("alice", .unix)
            #expect(await status { try await alice.beginSecondFactorEnrollment() } == .failedPrecondition)
        }
    }
}
