// unblockd's command line: options out of range are refused before anything starts.
import Foundation
import Testing
import UnblockTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// unblockd's own option checks, through the built binary.
@Suite struct UnblockdOptionTests {
    /// Runs `unblockd ARGUMENTS` and returns its exit status and standard error.
    func unblockd(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = builtProduct("unblockd")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func outOfRangeOptionsAreRefusedWithWhatTheyTakeBeforeAnythingStarts() throws {
        let folder = "/tmp/ubopt-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common = ["serve", "--data-dir", folder, "--unix-socket", "none", "--tcp", "127.0.0.1:0"]

        let preallocate = try unblockd(common + ["--journal-preallocate", "5000"])
        #expect(preallocate.status == 64)
        #expect(
            preallocate.errors.contains("--journal-preallocate takes a whole number from 0 to 4096"),
            "\(preallocate.errors)")

        let outOfRange: [(option: String, value: String, expected: String)] = [
            ("--max-connections", "0", "--max-connections takes a whole number from 1 to 1000000, not 0"),
            ("--max-sessions", "0", "--max-sessions takes a whole number from 1 to 100000000, not 0"),
            ("--max-sessions-per-user", "0", "--max-sessions-per-user takes a whole number from 1 to 10000, not 0"),
            // A lifetime of ~292 billion years overflowed the expiry time at the first login.
            ("--session-lifetime", "9223372036854775807", "--session-lifetime takes a whole number from 1 to 31536000"),
            (
                "--password-iterations", "999",
                "--password-iterations takes a whole number from 1000 to 100000000, not 999"
            ),
            // A card remembers 30 days of answered challenges, sized for 1,000 a day.
            ("--responses-per-day", "1001", "--responses-per-day takes a whole number from 1 to 1000, not 1001"),
        ]
        for (option, value, expected) in outOfRange {
            let refused = try unblockd(common + [option, value])
            #expect(refused.status == 64)
            #expect(refused.errors.contains(expected), "\(option): \(refused.errors)")
        }
        let remoteMetrics = try unblockd(common + ["--metrics", "0.0.0.0:9625"])
        #expect(
            remoteMetrics.status == 64 && remoteMetrics.errors.contains("--allow-remote-metrics"),
            "\(remoteMetrics.errors)")
        let nowhere = try unblockd(["serve", "--data-dir", folder, "--unix-socket", "none", "--tcp", "none"])
        #expect(nowhere.status == 64 && nowhere.errors.contains("nothing to listen on"), "\(nowhere.errors)")
        // Refused before the data directory was touched.
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func importSaysWhatIsWrongWithTheFileNotHowToCallIt() throws {
        let folder = "/tmp/ubopt-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try unblockd(["import", "--data-dir", folder + "/data", folder + "/nope.json"])
        #expect(missing.status == 66)
        #expect(
            missing.errors.contains("cannot read the directory file \(folder)/nope.json: no such file"),
            "\(missing.errors)")
        #expect(!missing.errors.contains("Usage"))

        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/bad.json"
        try
            #"{"users": [{"username": "dave", "password": "short"}], "cards": [{"serial": "04AA", "owner": "x", "profile": "y", "adminKey": {"algorithm": "3des", "hex": "00"}}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try unblockd(["import", "--data-dir", folder + "/data", "--password-iterations", "1000", file])
        #expect(bad.status == 65)
        for path in ["$.users[0].password", "$.cards[0].adminKey.hex", "$.cards[0].owner", "$.cards[0].profile"] {
            #expect(bad.errors.contains(path), "\(path): \(bad.errors)")
        }
        let served = try unblockd([
            "serve", "--data-dir", folder + "/data2", "--unix-socket", "none", "--tcp", "127.0.0.1:0", "--import", file,
        ])
        #expect(served.status == 65 && served.errors.contains("$.users[0].password"), "\(served.errors)")
    }

    @Test func byDefaultOnlyTheUnixSocketListens() async throws {
        let folder = "/tmp/ubopt-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = Process()
        server.executableURL = builtProduct("unblockd")
        server.arguments = ["serve", "--data-dir", folder + "/data", "--journal-preallocate", "1"]
        let errors = Pipe()
        server.standardError = errors
        try server.run()
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: folder + "/data/unblockd.sock") {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        // The socket admits its owner and group only.
        let socketMode = try FileManager.default.attributesOfItem(atPath: folder + "/data/unblockd.sock")[
            .posixPermissions]
        #expect(socketMode as? Int == 0o660)
        // No core file can hold its keys.
        let limits = try String(contentsOfFile: "/proc/\(server.processIdentifier)/limits", encoding: .utf8)
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
        #expect(
            core?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"],
            "\(core ?? "")")
        server.terminate()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        server.waitUntilExit()
        let listening = log.split(separator: "\n").filter { $0.contains("listening") }
        #expect(
            listening.count == 1 && listening.first?.contains("address=unix:\(folder)/data/unblockd.sock") == true,
            "\(log)")
    }

    @Test func aFileThatIsNotASocketIsNeverDeletedForTheSocket() throws {
        let folder = "/tmp/ubopt-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/notes.txt"
        try "precious".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try unblockd(["serve", "--data-dir", folder + "/data", "--unix-socket", file])
        #expect(result.status != 0)
        #expect(result.errors.contains("\(file) exists and is not a socket"), "\(result.errors)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
    }

    @Test func aSocketPathTooLongIsNamedWithTheLimit() throws {
        let folder = "/tmp/ubopt-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + String(repeating: "s", count: 120) + ".sock"
        let result = try unblockd(["serve", "--data-dir", folder + "/data", "--unix-socket", path, "--tcp", "none"])
        #expect(result.status != 0)
        #expect(result.errors.contains("cannot listen on unix:\(path): the path is longer"), "\(result.errors)")
    }

    /// With `option` at 1, alice's session ends when `second` logs in.
    @Test(arguments: [("--max-sessions", "bob"), ("--max-sessions-per-user", "alice")])
    func sessionLimitsBoundTheSessionsTheServerKeeps(_ option: String, _ second: String) async throws {
        let cli = try await CLIHarness(extra: [option, "1"])
        defer { cli.stop() }
        cli.login("alice")
        let file = URL(filePath: cli.configHome + "/unblock/session.json")
        let alices = try Data(contentsOf: file)
        cli.login(second)  // the server keeps one session (in all, or per user): alice's first ends
        #expect(cli.run(["cards"]).status == 0)
        try alices.write(to: file)
        let ended = cli.run(["cards"])
        #expect(ended.status == 65, "\(ended.errors)")
    }

    @Test func metricsAreServedForPrometheusWhenAsked() async throws {
        let port = try freeTCPPort()
        let cli = try await CLIHarness(extra: ["--metrics", "127.0.0.1:\(port)"])
        defer { cli.stop() }
        cli.login("alice")
        #expect(cli.run(["cards"]).status == 0)

        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)
        #expect(
            text.contains(#"unblock_calls_total{method="/unblock.v1.SelfService/ListCards",status="ok"} 1"#), "\(text)")
        #expect(text.contains(#"unblock_sessions 1"#))
        #expect(text.contains("unblock_journal_sync_duration_seconds_count"))
        let (_, other) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!)
        #expect((other as? HTTPURLResponse)?.statusCode == 404)

        let bad = try unblockd(["serve", "--data-dir", cli.folder + "/other", "--metrics", "/tmp/x.sock"])
        #expect(bad.status == 64 && bad.errors.contains("--metrics takes HOST:PORT"), "\(bad.errors)")

        // A port in use, for metrics or for calls: the error names the address, the reason and the option.
        let taken = "127.0.0.1:\(port)"
        let common = ["serve", "--data-dir", cli.folder + "/second", "--unix-socket", "none"]
        let metricsTaken = try unblockd(common + ["--tcp", "127.0.0.1:0", "--metrics", taken])
        #expect(metricsTaken.status != 0)
        #expect(
            metricsTaken.errors.contains("cannot listen on \(taken): Address already in use")
                && metricsTaken.errors.contains("--metrics"), "\(metricsTaken.errors)")
        #expect(!metricsTaken.errors.contains("CancellationError"), "\(metricsTaken.errors)")
        let callsTaken = try unblockd(common + ["--tcp", taken])
        #expect(callsTaken.status != 0)
        #expect(
            callsTaken.errors.contains("cannot listen on \(taken): Address already in use")
                && callsTaken.errors.contains("--tcp"), "\(callsTaken.errors)")
    }

    @Test func unusableTLSFilesStopTheStartWithTheFileNamed() async throws {
        try await withTemporaryDirectory { folder in
            let certificates = try TestCertificates(in: folder)
            let common = ["serve", "--data-dir", folder + "/data", "--unix-socket", "none", "--tcp", "127.0.0.1:0"]
            let mismatched = try unblockd(
                common + ["--tls-cert", certificates.certificate("server"), "--tls-key", certificates.key("client")])
            #expect(mismatched.status != 0)
            #expect(mismatched.errors.contains("does not match the certificate"), "\(mismatched.errors)")
            let missing = try unblockd(
                common + ["--tls-cert", folder + "/none.pem", "--tls-key", certificates.key("server")])
            #expect(
                missing.status != 0 && missing.errors.contains("\(folder)/none.pem: no such file"), "\(missing.errors)")
            let halfway = try unblockd(common + ["--tls-cert", certificates.certificate("server")])
            #expect(halfway.status == 64 && halfway.errors.contains("--tls-cert needs --tls-key"), "\(halfway.errors)")
            // Beyond loopback, plain TCP needs --allow-insecure-tcp; TLS does not.
            let outside = try unblockd([
                "serve", "--data-dir", folder + "/data2", "--unix-socket", "none", "--tcp", "0.0.0.0:0",
            ])
            #expect(outside.status != 0 && outside.errors.contains("without TLS"), "\(outside.errors)")
        }
    }

    @Test func plainTCPBeyondLoopbackIsAWarningAtStart() async throws {
        try await withTemporaryDirectory { folder in
            let unblockd = try UnblockdLog([
                "serve", "--data-dir", folder + "/data", "--unix-socket", "none", "--tcp", "0.0.0.0:0",
                "--allow-insecure-tcp",
            ])
            defer { unblockd.stop() }
            let logged = unblockd.logged
            _ = try await logged.wait { $0.contains("listening") }
            #expect(
                logged.text.contains("plain TCP beyond loopback is allowed (--allow-insecure-tcp)"), "\(logged.text)")
        }
    }
}
