// The master key file through unblockd: protected by a passphrase, and its sealing key rotated.
import Foundation
import Testing
import UnblockClient
import UnblockCrypto
import UnblockTesting
import UnblockWire

@Suite struct MasterKeyCommandTests {
    /// Alice's card with a sealed key, and its key as the demo directory gives it.
    enum SealedCard {
        static let serial = "04782E21801D80"
        static func key() throws -> AdminKey {
            try AdminKey(
                algorithm: .tripleDES, bytes: HexFormat.bytes("ADB749C85341DD36E336F75276A8F8D229A1F9A741977842")!)
        }
    }

    func unblockd(_ arguments: [String], environment: [String: String] = [:]) -> ProgramResult {
        runProgram(
            builtProduct("unblockd"), arguments, environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 })
    }

    /// A data directory with the demo directory in it (and `extraCards` more of bob's, with
    /// sealed keys), its server stopped.
    func demoDataDirectory(extraCards: Int = 0) async throws -> (folder: String, data: String) {
        let file = "/tmp/ubmk-\(UInt32.random(in: 0...UInt32.max)).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        var directory = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: UnblockdProcess.demo)) as? [String: Any])
        directory["cards"] =
            (directory["cards"] as? [Any] ?? [])
            + (try (0..<extraCards).map { index in
                [
                    "serial": String(format: "05%012X", index), "owner": "bob", "profile": "Employee Card",
                    "adminKey": [
                        "algorithm": "aes128",
                        "hex": HexFormat.plain(try SecretBytes(randomCount: 16).withUnsafeBytes { Array($0) }),
                    ],
                ]
            })
        try JSONSerialization.data(withJSONObject: directory).write(to: URL(filePath: file))
        let server = try await UnblockdProcess(directoryFile: file)
        server.stop(keepingFiles: true)
        return (server.folder, server.folder + "/data")
    }

    /// The response a server gives for the card, compared with one computed from the card's known key.
    func expectResponses(socket: String, cards: [(serial: String, key: AdminKey)], oneTimeCode: String = "")
        async throws
    {
        let alice = UnblockClient(target: .unixDomainSocket(path: socket))
        _ = try await alice.authenticate(username: "alice", password: "alice-demo-password", oneTimeCode: oneTimeCode)
        let admin = UnblockClient(target: .unixDomainSocket(path: socket))
        _ = try await admin.authenticate(username: "admin", password: "admin-demo-password")
        _ = try await admin.enableProcess(profile: "Employee Card")
        for (serial, key) in cards {
            let bytes = try SecretBytes(randomCount: key.algorithm.blockLength).withUnsafeBytes { Array($0) }
            let text = HexFormat.plain(bytes)
            let answer = try await alice.unblockPinOffline(card: .serial(serial), challenge: text)
            let expected = try BlockCipher().response(to: Challenge(text: text, algorithm: key.algorithm), key: key)
            #expect(answer.responseBytes == expected.bytes, "\(serial)")
        }
    }

    @Test func aProtectedKeyFileNeedsItsPassphraseFromAFileOrASystemdCredential() async throws {
        let (folder, data) = try await demoDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let passphrase = folder + "/passphrase"
        try "a long enough passphrase\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let short = folder + "/short"
        try "short\n".write(toFile: short, atomically: true, encoding: .utf8)
        #expect(
            unblockd(["master-key", "protect", "--data-dir", data, "--new-passphrase-file", short]).errors
                .contains("at least 12 characters"))
        let protect = unblockd(["master-key", "protect", "--data-dir", data, "--new-passphrase-file", passphrase])
        #expect(protect.status == 0, "\(protect.errors)")
        #expect(unblockd(["master-key", "status", "--data-dir", data]).output.contains("protected by a passphrase"))

        // Without the passphrase, or with a wrong one, nothing starts, and the message says what to give.
        let serve = ["serve", "--data-dir", data, "--unix-socket", folder + "/s.sock", "--log-level", "error"]
        let without = unblockd(serve)
        #expect(without.status != 0 && without.errors.contains("--master-key-passphrase-file"), "\(without.errors)")
        let wrongFile = folder + "/wrong"
        try "not the passphrase at all\n".write(toFile: wrongFile, atomically: true, encoding: .utf8)
        let wrong = unblockd(serve + ["--master-key-passphrase-file", wrongFile])
        #expect(wrong.status != 0 && wrong.errors.contains("the passphrase does not open"), "\(wrong.errors)")
        #expect(!wrong.errors.contains("not the passphrase at all"))
        #expect(unblockd(["verify", "--data-dir", data, "--master-key-passphrase-file", passphrase]).status == 0)
        // Typed at the prompt on a terminal (script(1) gives it one), without echo.
        let command = [builtProduct("unblockd").path, "verify", "--data-dir", data].map { "'\($0)'" }.joined(
            separator: " ")
        let typed = runProgram(
            URL(filePath: "/bin/sh"),
            ["-c", "(sleep 1; printf 'a long enough passphrase\\r') | script -qec \"\(command)\" /dev/null"],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(typed.output.contains("Passphrase of the master key file"), "\(typed.output)")
        #expect(typed.output.contains("sound") && !typed.output.contains("a long enough passphrase"), "\(typed.output)")

        // From a systemd credential (LoadCredential=unblock-master-key-passphrase:FILE).
        let credentials = folder + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: passphrase, toPath: credentials + "/unblock-master-key-passphrase")
        let server = Process()
        server.executableURL = builtProduct("unblockd")
        server.arguments = serve
        server.environment = ["CREDENTIALS_DIRECTORY": credentials]
        try server.run()
        defer { server.terminate() }
        for _ in 0..<250 where !FileManager.default.fileExists(atPath: folder + "/s.sock") {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await expectResponses(
            socket: folder + "/s.sock",
            cards: [(SealedCard.serial, try SealedCard.key())])
        server.terminate()
        server.waitUntilExit()

        let unprotect = unblockd([
            "master-key", "unprotect", "--data-dir", data, "--master-key-passphrase-file", passphrase,
        ])
        #expect(unprotect.status == 0, "\(unprotect.errors)")
        #expect(unblockd(["master-key", "status", "--data-dir", data]).output.contains("not protected"))
    }

    @Test func aRotationReSealsEveryKeyKeepsDerivedKeysAndSurvivesAKillMidway() async throws {
        // Enough sealed keys for the re-sealing to take a while (about 0.3 s).
        let (folder, data) = try await demoDataDirectory(extraCards: 20_000)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keyFile = data + "/master.key"
        let before = try MasterKey.load(from: keyFile)
        // Alice's TOTP secret, sealed too.
        let enrolling = try await UnblockdProcess(extra: ["--data-dir", data])
        let admin = UnblockClient(target: .unixDomainSocket(path: enrolling.socket))
        _ = try await admin.authenticate(username: "admin", password: "admin-demo-password")
        let secret = SecretBytes(try #require(otpauthSecret(of: try await admin.enrollTOTP(username: "alice").uri)))
        enrolling.stop()
        let oldKeyFile = try Data(contentsOf: URL(filePath: keyFile))

        // Killed once the key file holds both sealing keys (its size tells), then run again.
        let rotating = Process()
        rotating.executableURL = builtProduct("unblockd")
        rotating.arguments = ["master-key", "rotate", "--data-dir", data]
        try rotating.run()
        let bothKeys = 21 + 1 + 32 + 1 + 2 * 32
        var killedMidway = false
        for _ in 0..<2_000 where rotating.isRunning {
            if (try? FileManager.default.attributesOfItem(atPath: keyFile)[.size] as? Int) == bothKeys {
                kill(rotating.processIdentifier, SIGKILL)
                killedMidway = true
                break
            }
            usleep(500)
        }
        rotating.waitUntilExit()
        #expect(killedMidway)
        let interrupted = unblockd(["verify", "--data-dir", data])
        #expect(interrupted.status == 0 && interrupted.output.contains("sound"), "\(interrupted.output)")
        let rotate = unblockd(["master-key", "rotate", "--data-dir", data])
        #expect(
            rotate.status == 0 && rotate.output.contains("20004 admin keys and 1 TOTP secrets"), "\(rotate.errors)")
        let after = try MasterKey.load(from: keyFile)
        #expect(after.sealing.count == 1)
        #expect(after.derivation.constantTimeEquals(before.derivation))
        #expect(!after.sealing[0].constantTimeEquals(before.sealing[0]))
        #expect(unblockd(["verify", "--data-dir", data]).output.contains("sound"))

        // The old key file opens none of the re-sealed keys.
        let copy = folder + "/copy"
        try FileManager.default.copyItem(atPath: data, toPath: copy)
        try FileManager.default.removeItem(atPath: copy + "/master.key")
        try oldKeyFile.write(to: URL(filePath: copy + "/master.key"))
        chmod(copy + "/master.key", 0o600)
        let stale = unblockd(["verify", "--data-dir", copy])
        #expect(stale.status == 1 && stale.output.contains("do not open with this master key"), "\(stale.output)")

        // Served after the rotation: a sealed card's response from its known key, a derived card's
        // from the unchanged derivation key.
        let server = try await UnblockdProcess(extra: ["--data-dir", data, "--second-factor", "optional"])
        defer { server.stop() }
        // Her code opens her re-sealed secret.
        let code = TOTP.code(secret: secret, step: TOTP.step(at: Int64(Date().timeIntervalSince1970)))
        try await expectResponses(
            socket: server.socket,
            cards: [
                (SealedCard.serial, try SealedCard.key()),
                (
                    "04A1B2C3D4E5F6",
                    try AdminKeyDerivation.adminKey(
                        masterKey: before.derivation, serial: "04A1B2C3D4E5F6", algorithm: .aes128)
                ),
            ], oneTimeCode: code)
    }
}
