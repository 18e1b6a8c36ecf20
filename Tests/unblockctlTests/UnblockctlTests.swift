// Every unblockctl subcommand against a real server: output, --json shape, exit codes, the session file.
import Foundation
import Testing
import UnblockTesting

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
        #expect(
            down.errors.contains(
                "cannot connect to unix:\(cli.folder)/nothing.sock: no such socket. Check that "
                    + "unblockd is running and that this is its address (from UNBLOCK_SOCKET)"), "\(down.errors)")
        #expect(!down.errors.contains("errno") && !down.errors.contains("Scripts/serve"))
        let downJSON = cli.run(["health", "--json"], socket: cli.folder + "/nothing.sock")
        #expect((downJSON.json["error"] as? [String: Any])?["exitCode"] as? Int == 69)
    }

    @Test func loginKeepsAPrivateSessionAndLogoutRemovesIt() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        #expect(cli.run(["cards"]).status == 65)
        let wrong = cli.run(["login", "--user", "alice", "--password-stdin"], input: "nope\n")
        #expect(wrong.status == 65 && wrong.errors == "unblockctl: invalid username or password\n", "\(wrong.errors)")
        let noTerminal = cli.run(["login", "--user", "alice"])
        #expect(noTerminal.status == 64 && noTerminal.errors.contains("--password-stdin"))

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
        // Logging out twice is no error.
        let again = cli.run(["logout"])
        #expect(again.status == 0 && again.output == "Not logged in.\n")
        #expect(cli.run(["logout", "--json"]).json["loggedOut"] as? Bool == false)
    }

    @Test func cardsAsATableAndAsJSON() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("alice")
        let table = cli.run(["cards"])
        #expect(table.status == 0)
        #expect(table.output.hasPrefix("SERIAL"))
        #expect(table.output.contains("04A1B2C3D4E5F6  Contractor Card  active     AES-128  unblock-pin-offline"))
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
        // When, in words and as a date with its zone; the daily window is 24 hours.
        #expect(limited.errors.contains("try again in 24 hours (at 20"), "\(limited.errors)")
        #expect(limited.errors.hasSuffix(" UTC)\n"), "\(limited.errors)")
        #expect(cli.run(["unblock", "--card", "04782E21801D80", "--challenge", "0011223344556677"]).status == 67)
        #expect(cli.run(["unblock", "--card", "0499AABBCCDDEE", "--challenge", "0011223344556677"]).status == 67)
        let bad = cli.run(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", "XYZ"])
        #expect(bad.status == 67 && bad.errors.contains("'X' at position 1"))
        #expect(bad.errors.contains("spaces, tabs, dashes and colons are ignored"), "\(bad.errors)")
        let short = cli.run(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", "0011:2233\t4455-6677"])
        #expect(short.errors.contains("a card with an AES-128 key shows 32"), "\(short.errors)")
        let noTerminal = cli.run(["unblock", "--card", "04A1B2C3D4E5F6"])
        #expect(noTerminal.status == 64 && noTerminal.errors.contains("pass --challenge"))
    }

    @Test func unblockChecksTheCardBeforeAskingForTheChallengeAndCtrlDCancels() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("alice")
        // Not enabled for this card's profile: said before anyone types a challenge.
        let disabled = cli.runOnTerminal(["unblock", "--card", "04782E21801D80"])
        #expect(disabled.status == 67, "\(disabled.output)")
        #expect(disabled.output.contains("not enabled for cards of profile \"Employee Card\""))
        #expect(!disabled.output.contains("Challenge shown"))
        let suspended = cli.runOnTerminal(["unblock", "--card", "04112233445566"])
        #expect(suspended.status == 67 && suspended.output.contains("this card is suspended"), "\(suspended.output)")
        let notHers = cli.runOnTerminal(["unblock", "--card", "0499AABBCCDDEE"])
        #expect(notHers.status == 67 && notHers.output.contains("`unblockctl cards` lists"), "\(notHers.output)")
        // Ctrl-D at the prompt is a cancel.
        let cancelled = cli.runOnTerminal(["unblock", "--card", "04A1B2C3D4E5F6"], keys: "\\004")
        #expect(cancelled.output.contains("Challenge shown on the PC: "), "\(cancelled.output)")
        #expect(cancelled.status == 64 && cancelled.output.contains("cancelled"), "\(cancelled.output)")
        // And a typed challenge is answered.
        let typed = cli.runOnTerminal(
            ["unblock", "--card", "04A1B2C3D4E5F6"], keys: "1603 EBDF 1C8A 2E72 0011 2233 4455 6677\\n")
        #expect(typed.status == 0 && typed.output.contains("Response for card 04A1B2C3D4E5F6"), "\(typed.output)")
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
        // Not offered: the unblock runs on active cards only.
        let suspended = cli.run(["admin", "enable-process", "--profile", "Employee Card", "--state", "suspended"])
        #expect(suspended.status == 64 && suspended.errors.contains("runs on active cards only"), "\(suspended.errors)")
        // An unknown profile is not about cards.
        let unknown = cli.run(["admin", "enable-process", "--profile", "Nope"])
        #expect(unknown.errors == "unblockctl: no card profile named \"Nope\"\n", "\(unknown.errors)")
    }

    @Test func theHelpDeskShowsAndUnlocksAUser() async throws {
        let cli = try await CLIHarness(extra: ["--max-login-failures", "2"])
        defer { cli.stop() }
        for _ in 0..<2 {
            #expect(cli.run(["login", "--user", "bob", "--password-stdin"], input: "guess\n").status == 65)
        }
        cli.login("alice")
        let refused = cli.run(["admin", "user", "show", "bob"])
        #expect(refused.status == 66 && refused.errors.contains("helpdesk or admin role"), "\(refused.errors)")
        cli.login("desk")
        let shown = cli.run(["admin", "user", "show", "bob"])
        #expect(shown.status == 0 && shown.output.contains("bob (Bob Example)"), "\(shown.output)")
        #expect(shown.output.contains("locked         until ") && shown.output.contains("last login     never"))
        let json = cli.run(["admin", "user", "show", "bob", "--json"]).json
        #expect(json["lockedUntil"] is String && json["lastLogin"] is NSNull && json["cardCount"] as? Int == 1)
        let unlocked = cli.run(["admin", "user", "unlock", "bob"])
        #expect(unlocked.status == 0 && unlocked.output.contains("bob is unlocked"), "\(unlocked.output)")
        #expect(cli.run(["admin", "user", "unlock", "bob"]).output.contains("nothing changed"))
        cli.login("bob")
        #expect(cli.run(["admin", "user", "show", "nobody"]).status == 66, "bob is not the help desk")
        cli.login("desk")
        let unknown = cli.run(["admin", "user", "show", "nobody"])
        #expect(unknown.status == 67 && unknown.errors == "unblockctl: no user named \"nobody\"\n", "\(unknown.errors)")
    }

    @Test func theHelpDeskWorksOnCards() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("desk")
        let shown = cli.run(["admin", "card", "show", "04A1B2C3D4E5F6"])
        #expect(shown.status == 0 && shown.output.contains("card 04A1B2C3D4E5F6 (c-"), "\(shown.output)")
        #expect(shown.output.contains("owner      alice") && shown.output.contains("no responses remembered"))
        let json = cli.run(["admin", "card", "show", "04A1B2C3D4E5F6", "--json"]).json
        #expect((json["keyCheckValue"] as? String)?.count == 6 && json["responseLimit"] as? Int == 5)
        let suspended = cli.run(["admin", "card", "state", "04A1B2C3D4E5F6", "suspended"])
        #expect(suspended.status == 0 && suspended.output == "card 04A1B2C3D4E5F6 is now suspended.\n")
        let active = cli.run(["admin", "card", "state", "04A1B2C3D4E5F6", "active"])
        #expect(active.status == 66 && active.errors.contains("needs the admin role"), "\(active.errors)")
        #expect(cli.run(["admin", "card", "state", "04A1B2C3D4E5F6", "lost"]).status == 64)
        #expect(cli.run(["admin", "card", "reset-limit", "0499AABBCCDDEE"]).output.contains("nothing changed"))
        #expect(cli.run(["admin", "card", "transfer", "0499AABBCCDDEE", "--owner", "alice"]).status == 66)
        #expect(cli.run(["admin", "card", "show", "0000"]).status == 67)
        cli.login("admin")
        let moved = cli.run(["admin", "card", "transfer", "0499AABBCCDDEE", "--owner", "alice"])
        #expect(moved.status == 0 && moved.output.contains("now belongs to alice"), "\(moved.output)")
    }

    @Test func anAdministratorManagesUsers() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("admin")
        let added = cli.run(
            [
                "admin", "user", "add", "erin", "--display-name", "Erin Example", "--role", "helpdesk",
                "--password-stdin",
            ],
            input: "a long enough password\n")
        #expect(added.status == 0 && added.output == "erin is added (helpdesk).\n", "\(added.output)\(added.errors)")
        let short = cli.run(["admin", "user", "add", "frank", "--password-stdin"], input: "short\n")
        #expect(short.status == 67 && short.errors.contains("shorter than 12 characters"), "\(short.errors)")
        #expect(cli.run(["admin", "user", "add", "frank", "--role", "boss", "--password-stdin"]).status == 64)
        let list = cli.run(["admin", "user", "list"])
        #expect(list.status == 0 && list.output.hasPrefix("USERNAME"), "\(list.output)")
        #expect(
            list.output.split(separator: "\n").dropFirst().map { $0.split(separator: " ").first } == [
                "admin", "alice", "bob", "carol", "desk", "erin",
            ])
        let json = cli.run(["admin", "user", "list", "--prefix", "e", "--json"]).json
        #expect((json["users"] as? [[String: Any]])?.map { $0["username"] as? String } == ["erin"])
        let set = cli.run(["admin", "user", "set", "erin", "--state", "inactive"])
        #expect(set.status == 0 && set.output == "erin is changed.\n", "\(set.output)")
        #expect(cli.run(["admin", "user", "set", "erin"]).status == 64, "nothing to change")
        let password = cli.run(["admin", "user", "password", "bob", "--password-stdin"], input: "bob's new password\n")
        #expect(password.status == 0 && password.output.contains("their sessions have ended"), "\(password.output)")
        #expect(cli.run(["login", "--user", "bob", "--password-stdin"], input: "bob's new password\n").status == 0)
    }

    @Test func anAdministratorAddsAProfileAndTheHelpDeskListsThem() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("admin")
        let added = cli.run(["admin", "profile", "add", "Visitor Card"])
        #expect(added.status == 0 && added.output.contains("offers nothing until"), "\(added.output)")
        #expect(cli.run(["admin", "profile", "add", "Visitor Card"]).status == 67)
        cli.login("desk")
        let list = cli.run(["admin", "profile", "list"])
        #expect(list.status == 0 && list.output.contains("Visitor Card"), "\(list.output)")
        #expect(list.output.contains("unblock-pin-offline (active cards)"), "the demo's Contractor Card")
        #expect(cli.run(["admin", "profile", "add", "Other Card"]).status == 66)
    }

    @Test func aCardRegisteredAndRekeyedSurvivesASIGKILL() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("admin")
        let add = [
            "admin", "card", "add", "04AB01", "--owner", "bob", "--profile", "Contractor Card", "--algorithm", "aes128",
            "--key-stdin",
        ]
        let added = cli.run(add, input: "00112233 44556677 8899AABB CCDDEEFF\n")
        #expect(
            added.status == 0 && added.output.contains("is registered for bob; key check value "), "\(added.errors)")
        let weak = cli.run(
            add.map { $0 == "04AB01" ? "04AB02" : $0 }, input: String(repeating: "00", count: 16) + "\n")
        #expect(weak.status == 67, "\(weak.errors)")
        #expect(cli.run(add + ["--derive"]).status == 64, "both sources")
        let rotated = cli.run(["admin", "card", "rotate-key", "04AB01", "--derive"])
        #expect(
            rotated.status == 0 && rotated.output.contains("has key version 2"), "\(rotated.output)\(rotated.errors)")
        try await cli.killAndRestart()
        cli.login("desk")
        let shown = cli.run(["admin", "card", "show", "04AB01", "--json"]).json
        #expect(shown["keyVersion"] as? Int == 2 && shown["owner"] as? String == "bob", "\(shown)")
    }

    @Test func theHelpDeskReadsAndFollowsTheAuditTrail() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        cli.login("desk")
        #expect(cli.run(["admin", "card", "state", "04A1B2C3D4E5F6", "suspended"]).status == 0)
        let trail = cli.run(["admin", "audit", "--type", "set-card-state"])
        #expect(trail.status == 0 && trail.output.hasPrefix("TIME"), "\(trail.output)\(trail.errors)")
        #expect(trail.output.contains("desk") && trail.output.contains("serial=04A1B2C3D4E5F6"), "\(trail.output)")
        #expect(cli.run(["admin", "audit", "--since", "yesterday"]).status == 64)
        let json = cli.run(["admin", "audit", "--user", "desk", "--since", "1h", "--limit", "1", "--json"])
        #expect(json.output.split(separator: "\n").count == 1, "\(json.output)")

        let (follower, output) = try cli.start(["admin", "audit", "--follow", "--limit", "1"])
        defer { follower.terminate() }
        #expect(try await output.wait { $0.contains("set-card-state") }, "the last event first: \(output.text)")
        // An event made after the follower started reaches it.
        #expect(cli.run(["admin", "user", "unlock", "bob"]).status == 0)
        #expect(try await output.wait { $0.contains("unlock-user") }, "\(output.text)")
    }

    @Test func anAdministratorImportsAFileIntoTheRunningServer() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let file = cli.folder + "/more.json"
        try Data(
            """
            {"users": [{"username": "dora", "password": "dora's long password"},
                       {"username": "bob", "displayName": "Bob Renamed", "password": "bob's long password"}]}
            """.utf8
        ).write(to: URL(filePath: file))
        cli.login("admin")
        let refused = cli.run(["admin", "import", file])
        #expect(refused.status == 67 && refused.errors.contains("$.users[1].username"), "\(refused.errors)")
        let skipped = cli.run(["admin", "import", file, "--existing", "skip"])
        #expect(
            skipped.status == 0 && skipped.output.contains("1 user and 0 cards added; 0 updated, 1 left as they were"),
            "\(skipped.output)")
        #expect(cli.run(["admin", "import", file, "--existing", "merge"]).status == 64)
        #expect(cli.run(["admin", "import", cli.folder + "/missing.json"]).status == 64)
        #expect(cli.run(["login", "--user", "dora", "--password-stdin"], input: "dora's long password\n").status == 0)
    }

    @Test func loginSaysWhatTheServerSaidAndASecondLoginEndsTheFirstSession() async throws {
        let cli = try await CLIHarness(extra: ["--session-idle-timeout", "180"])
        defer { cli.stop() }
        let first = cli.run(["login", "--user", "alice", "--password-stdin"], input: "alice-demo-password\n")
        #expect(first.output.contains("The session ends after 3 minutes without use"), "\(first.output)")
        // The absolute expiry with its date and zone.
        #expect(
            first.output.range(
                of: #"at the latest at \d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z]+"#, options: .regularExpression) != nil)
        let json = cli.run(["login", "--user", "alice", "--password-stdin", "--json"], input: "alice-demo-password\n")
        #expect(json.json["idleTimeoutSeconds"] as? Int == 180)
        #expect(json.json["endedPreviousSession"] as? String == "alice")

        let path = cli.configHome + "/unblock/session.json"
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(filePath: path))) as? [String: Any]
        let oldToken = try #require(saved?["token"] as? String)
        let second = cli.run(["login", "--user", "bob", "--password-stdin"], input: "bob-demo-password\n")
        #expect(second.output.hasPrefix("Ended the earlier session of alice."), "\(second.output)")
        // The first session is over on the server, not only forgotten here.
        try Data(
            #"{"server": "unix:\#(cli.socket)", "username": "alice", "token": "\#(oldToken)", "expiresAtUnixMs": 0}"#
                .utf8
        )
        .write(to: URL(filePath: path))
        #expect(cli.run(["cards"]).status == 65)
    }

    @Test func theServerIsFoundThroughTheConfigFileAndATokenGoesOnlyToItsServer() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let none: [String: String] = [:]
        // No flag, no environment, no file: the systemd unit's socket.
        let fallback = cli.run(["health"], environment: none)
        #expect(fallback.status == 69)
        #expect(fallback.errors.contains("unix:/run/unblockd/unblockd.sock"), "\(fallback.errors)")
        #expect(fallback.errors.contains("(the default)"))

        let folder = cli.configHome + "/unblock"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "# the test's server\nsocket: \"\(cli.socket)\"  # comment\n".write(
            toFile: folder + "/client.yaml", atomically: true, encoding: .utf8)
        #expect(cli.run(["health"], environment: none).status == 0)
        #expect(
            cli.run(
                ["login", "--user", "alice", "--password-stdin"], input: "alice-demo-password\n", environment: none
            ).status == 0)
        #expect(cli.run(["cards"], environment: none).status == 0)

        // The saved token is not sent to another server.
        let other = cli.run(["cards", "--host", "127.0.0.1", "--port", "1"], environment: none)
        #expect(other.status == 65)
        #expect(
            other.errors.contains("your session is with the server at unix:\(cli.socket), not 127.0.0.1:1"),
            "\(other.errors)")

        try "sokcet: /tmp/x\n".write(toFile: folder + "/client.yaml", atomically: true, encoding: .utf8)
        let typo = cli.run(["health"], environment: none)
        #expect(typo.status == 78)
        #expect(
            typo.errors.contains("client.yaml, line 1: unknown key \"sokcet\"; did you mean socket?"), "\(typo.errors)")
        // --config names another file; one that does not exist is an error, not the default.
        try "socket: \"\(cli.socket)\"\n".write(
            toFile: cli.configHome + "/other.yaml", atomically: true, encoding: .utf8)
        #expect(cli.run(["health", "--config", cli.configHome + "/other.yaml"], environment: none).status == 0)
        let missing = cli.run(["health", "--config", cli.configHome + "/missing.yaml"], environment: none)
        #expect(missing.status == 78 && missing.errors.contains("missing.yaml: no such file"), "\(missing.errors)")
    }

    @Test func badAddressesAreRefusedAndAnHTTPServerIsRecognised() async throws {
        let port = try freeTCPPort()
        let cli = try await CLIHarness(extra: ["--metrics", "127.0.0.1:\(port)"])
        defer { cli.stop() }
        for address in ["localhost", "127.0.0.1:notaport"] {
            let refused = cli.run(["health"], environment: ["UNBLOCK_ADDRESS": address])
            #expect(refused.status == 64 && refused.errors.contains("not HOST:PORT"), "\(address): \(refused.errors)")
        }
        // A port that answers HTTP: the server's metrics endpoint.
        let http = cli.run(["health", "--host", "127.0.0.1", "--port", "\(port)"])
        #expect(http.status == 69)
        #expect(http.errors.contains("does not speak the Unblock protocol (an HTTP server?)"), "\(http.errors)")
    }

    @Test func usageErrorsAreJSONWithJSONAndEveryBinaryHasAVersion() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let usage = cli.run(["cards", "--json", "--bogus"])
        #expect(usage.status == 64)
        let error = try #require(usage.json["error"] as? [String: Any])
        #expect(error["exitCode"] as? Int == 64 && (error["message"] as? String)?.contains("--bogus") == true)

        let health = cli.run(["health", "--json"]).json["version"] as? String
        for binary in ["unblockctl", "unblockd", "unblock-bench"] {
            let version = runProgram(builtProduct(binary), ["--version"], input: nil, environment: [:])
            #expect(version.status == 0 && version.output == "\(health ?? "?")\n", "\(binary): \(version.output)")
        }
    }

    @Test func aPasswordHashFromUnblockdImportsAndLogsIn() async throws {
        let hashed = runProgram(
            builtProduct("unblockd"), ["hash-password", "--iterations", "1000"], input: "a-long-enough-password\n",
            environment: [:])
        let hash = hashed.output.trimmingCharacters(in: .newlines)
        #expect(hashed.status == 0 && hash.hasPrefix("$pbkdf2-sha256$i=1000$"), "\(hashed.errors)")
        #expect(!hashed.output.contains("a-long-enough-password"))
        let file = "/tmp/ubhash-\(UInt32.random(in: 0...UInt32.max)).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try #"{"users": [{"username": "dave", "passwordHash": "\#(hash)"}]}"#.write(
            toFile: file, atomically: true, encoding: .utf8)
        let cli = try await CLIHarness(directoryFile: file)
        defer { cli.stop() }
        let login = cli.run(["login", "--user", "dave", "--password-stdin"], input: "a-long-enough-password\n")
        #expect(login.status == 0, "\(login.errors)")
    }
}
