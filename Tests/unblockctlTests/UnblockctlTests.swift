// Every unblockctl subcommand against a real server: output, --json shape, exit codes, the session file.
import Foundation
import Testing

@Suite(.serialized) struct UnblockctlTests {
    @Test func healthAndAnUnreachableServer() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let health = cli.run(["health"])
        #expect(health.status == 0 && health.output.contains("serving"))
        let json = cli.run(["health", "--json"]).json
        #expect(json["status"] as? String == "serving" && json["version"] != nil)
        // --journal-preallocate 1: the journal in use was made as 1 MiB of zeros ahead of use.
        let data = cli.folder + "/data/"
        let journals = try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasSuffix(".log") }
        let sizes = try journals.map { try FileManager.default.attributesOfItem(atPath: data + $0)[.size] as? Int }
        #expect(sizes == [1 << 20])

        let down = cli.run(["health"], socket: cli.folder + "/nothing.sock")
        #expect(down.status == 69)
        #expect(down.errors.contains("Scripts/serve"))
        let downJSON = cli.run(["health", "--json"], socket: cli.folder + "/nothing.sock")
        #expect((downJSON.json["error"] as? [String: Any])?["exitCode"] as? Int == 69)
    }

    @Test func loginKeepsAPrivateSessionAndLogoutRemovesIt() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        #expect(cli.run(["cards"]).status == 65)
        let wrong = cli.run(["login", "--user", "alice", "--password-stdin"], input: "nope\n")
        #expect(wrong.status == 65 && wrong.errors.contains("invalid username or password"))
        let noTerminal = cli.run(["login", "--user", "alice"])
        #expect(noTerminal.status == 70 && noTerminal.errors.contains("--password-stdin"))

        cli.login("alice")
        let path = cli.configHome + "/unblock/session.json"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: cli.configHome + "/unblock")
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("alice-demo-password"))

        #expect(cli.run(["logout"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(cli.run(["cards"]).status == 65)
        #expect(cli.run(["logout"]).status == 65)
    }

    @Test func cardsAsATableAndAsJSON() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("alice")
        let table = cli.run(["cards"])
        #expect(table.status == 0)
        #expect(table.output.hasPrefix("SERIAL"))
        #expect(table.output.contains("04A1B2C3D4E5F6  Contractor Card  active     aes128  unblock-pin-offline"))
        let cards = cli.run(["cards", "--json"]).json["cards"] as? [[String: Any]] ?? []
        #expect(cards.count == 3)
        #expect(
            Set(cards[0].keys) == [
                "cardId", "serial", "profile", "state", "keyAlgorithm", "keyVersion", "owner",
                "possibleActions",
            ])
        #expect(cli.run(["cards", "--user", "bob"]).status == 66)

        cli.login("admin")
        let bobs = cli.run(["cards", "--user", "bob", "--json"]).json["cards"] as? [[String: Any]]
        #expect(bobs?.first?["serial"] as? String == "0499AABBCCDDEE")
        #expect(cli.run(["cards", "--user", "nobody"]).status == 67)
    }

    @Test func unblockPrintsTheResponseAndEachRefusalHasItsCode() async throws {
        let cli = try await CLIHarness(extra: ["--responses-per-day", "2"])
        defer { cli.stop() }
        cli.login("alice")
        let challenge = "1603 EBDF 1C8A 2E72 0011 2233 4455 6677"
        let text = cli.run(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", challenge])
        #expect(text.status == 0)
        let grouped = try #require(
            text.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.count == 39 && $0.split(separator: " ").count == 8 })
        #expect(text.output.contains("new PIN"))

        let replay = cli.run(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", challenge])
        #expect(replay.status == 67 && replay.errors.contains("already answered"))

        let json = cli.run([
            "unblock", "--card", "04A1B2C3D4E5F6", "--challenge", "AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111",
            "--json",
        ]).json
        #expect(Set(json.keys) == ["card", "response", "responseHex", "keyVersion"])
        #expect(json["card"] as? String == "04A1B2C3D4E5F6" && json["keyVersion"] as? Int == 1)
        #expect((json["responseHex"] as? String)?.count == 32)
        #expect(
            (json["response"] as? String)?.replacingOccurrences(of: " ", with: "") == json["responseHex"] as? String)
        #expect(grouped != json["response"] as? String)

        let limited = cli.run([
            "unblock", "--card", "04A1B2C3D4E5F6", "--challenge", String(repeating: "12", count: 16),
        ])
        #expect(limited.status == 68)
        #expect(cli.run(["unblock", "--card", "04782E21801D80", "--challenge", "0011223344556677"]).status == 67)
        #expect(cli.run(["unblock", "--card", "0499AABBCCDDEE", "--challenge", "0011223344556677"]).status == 67)
        let bad = cli.run(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", "XYZ"])
        #expect(bad.status == 67 && bad.errors.contains("'X' at position 1"))
        #expect(cli.run(["unblock", "--card", "04A1B2C3D4E5F6"]).status == 70)  // no terminal to ask
    }

    @Test func adminEnablesAndDisablesProcesses() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("alice")
        #expect(cli.run(["admin", "enable-process", "--profile", "Employee Card"]).status == 66)
        cli.login("admin")
        let enabled = cli.run(["admin", "enable-process", "--profile", "Employee Card"])
        #expect(enabled.status == 0 && enabled.output.contains("is enabled") && !enabled.output.contains("already"))
        #expect(cli.run(["admin", "enable-process", "--profile", "Employee Card"]).output.contains("already"))
        let json = cli.run(["admin", "disable-process", "--profile", "Employee Card", "--json"]).json
        #expect(json["changed"] as? Bool == true && (json["enabledProcesses"] as? [String])?.isEmpty == true)
        #expect(cli.run(["admin", "enable-process", "--profile", "Nope"]).status == 67)
        #expect(cli.run(["admin", "enable-process", "--profile", "Employee Card", "--state", "lost"]).status == 64)
        #expect(
            cli.run(["admin", "enable-process", "--profile", "Employee Card", "--state", "suspended"]).status == 67)
    }
}
