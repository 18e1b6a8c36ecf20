// unblock-bench in short runs against real servers: counts add up, percentiles are ordered, JSON has its shape.
import Foundation
import Testing
import UnblockTesting

/// Runs unblock-bench with `arguments` plus a JSON output file; returns the parsed JSON.
func bench(_ arguments: [String], expectedStatus: Int32 = 0, environment: [String: String] = [:]) throws -> [String:
    Any]
{
    let output = FileManager.default.temporaryDirectory.appending(path: "bench-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = builtProduct("unblock-bench")
    process.arguments = arguments + ["--json", output.path, "--password-iterations", "1000", "--users", "20"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == expectedStatus, "unblock-bench \(arguments)")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: output))
    return object as? [String: Any] ?? [:]
}

@Suite(.serialized) struct UnblockBenchTests {
    @Test func closedLoopFiguresAddUpAndHaveTheDocumentedShape() throws {
        let result = try bench([
            "--call", "list-cards", "--connections", "4", "--in-flight", "4", "--duration", "1",
            "--warmup", "0.3",
        ])
        for key in [
            "call", "connections", "inFlight", "seconds", "requests", "throughputPerSecond", "errors",
            "latencyMicros",
        ] {
            #expect(result[key] != nil, "missing \(key)")
        }
        #expect(result["call"] as? String == "list-cards")
        #expect(result["connections"] as? Int == 4 && result["inFlight"] as? Int == 4)
        let requests = try #require(result["requests"] as? Int)
        let successes = try #require(result["successes"] as? Int)
        let errors = try #require(result["errors"] as? [String: Int])
        #expect(requests > 0)
        #expect(requests == successes + errors.values.reduce(0, +))
        let latency = try #require(result["latencyMicros"] as? [String: Int])
        let ordered = ["p50", "p90", "p99", "p999", "max"].map { latency[$0] ?? -1 }
        #expect(ordered.allSatisfy { $0 > 0 } && ordered == ordered.sorted(), "\(latency)")
        let throughput = try #require(result["throughputPerSecond"] as? Int)
        let seconds = try #require(result["seconds"] as? Double)
        // The JSON rounds seconds to the millisecond; throughput was computed before rounding.
        #expect(abs(Double(throughput) - Double(successes) / seconds) <= Double(throughput) * 0.002 + 1)
        // CPU per call, of the harness's own server and of the harness (from /proc, in clock ticks).
        let cpu = try #require(result["cpuMicrosPerCall"] as? [String: Double])
        #expect((cpu["server"] ?? 0) > 0 && (cpu["harness"] ?? 0) > 0, "\(cpu)")
        // At most every processor for the whole window (plus a clock tick's error).
        let ceiling = 1e6 / Double(throughput) * Double(ProcessInfo.processInfo.activeProcessorCount) * 1.05
        #expect((cpu["server"] ?? .infinity) <= ceiling, "\(cpu) at \(throughput)/s")
    }

    @Test func cardsImportedWhileUnblocksRunAreCountedAndTimed() throws {
        let result = try bench([
            "--call", "unblock-pin-offline", "--connections", "4", "--duration", "1", "--warmup", "0.2",
            "--import-cards", "450",
        ])
        let imported = try #require(result["import"] as? [String: Double])
        #expect(imported["cards"] == 450 && imported["calls"] == 3 && (imported["seconds"] ?? 0) > 0, "\(imported)")
        #expect((result["errors"] as? [String: Int])?.isEmpty == true, "no unblock refused meanwhile")
    }

    @Test func cardsPreloadedThenBackupsTakenWhileUnblocksRunAreCountedAndOneBackupStays() throws {
        let folder = "/tmp/ubbench-backups-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try bench([
            "--call", "unblock-pin-offline", "--connections", "4", "--duration", "1", "--warmup", "0.2",
            "--preload-cards", "400", "--backup-to", folder,
        ])
        #expect((result["preload"] as? [String: Double])?["cards"] == 400, "\(result)")
        let backups = try #require(result["backup"] as? [String: Double])
        #expect((backups["backups"] ?? 0) >= 1 && (backups["bytes"] ?? 0) > 0, "\(backups)")
        #expect((result["errors"] as? [String: Int])?.isEmpty == true, "no unblock refused meanwhile")
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(kept.count == 1, "\(kept)")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/\(kept[0])/manifest.json"))
    }

    @Test func everyUnblockSendsAFreshChallenge() throws {
        // The harness's own server has no per-card limit; a repeated challenge is refused as
        // already answered. 20 cards: about 100 challenges each (8 or 16 bytes).
        let result = try bench([
            "--call", "unblock-pin-offline", "--connections", "20", "--in-flight", "4", "--requests", "2000",
        ])
        // With --requests every request is counted, from the first.
        #expect(result["requests"] as? Int == 2_000 && result["successes"] as? Int == 2_000)
        #expect((result["errors"] as? [String: Int])?.isEmpty == true, "\(result["errors"] ?? "")")
    }

    @Test func openLoopReachesItsRateOnALightCall() throws {
        let result = try bench([
            "--call", "health", "--rate", "400", "--connections", "2", "--duration", "2",
            "--warmup", "0.5",
        ])
        let throughput = try #require(result["throughputPerSecond"] as? Int)
        #expect((340...460).contains(throughput), "open loop at 400/s gave \(throughput)/s")
        #expect(result["ratePerSecond"] as? Double == 400)
    }

    @Test func errorsAreCountedByStatusCode() async throws {
        // An existing server with the default limit of 5 responses per card per day refuses the rest.
        let folder = "/tmp/ubb-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let demo = URL(filePath: #filePath).deletingLastPathComponent().appending(
            path: "../../Examples/demo-directory.json"
        )
        .standardized
        let server = Process()
        server.executableURL = builtProduct("unblockd")
        server.arguments = [
            "serve", "--data-dir", folder + "/data", "--unix-socket", folder + "/s.sock", "--tcp", "none",
            "--import", demo.path, "--password-iterations", "1000", "--log-level", "error",
        ]
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: folder + "/s.sock") {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(100))
        // Almost every call is refused: the run says so by its exit status, and counts only
        // the successes as throughput.
        let result = try bench(
            [
                "--socket", folder + "/s.sock", "--user", "alice", "--password", "alice-demo-password",
                "--card", "04A1B2C3D4E5F6", "--call", "unblock-pin-offline", "--connections", "2",
                "--duration", "1", "--warmup", "0",
            ], expectedStatus: 1)
        let errors = try #require(result["errors"] as? [String: Int])
        #expect((errors["resourceExhausted"] ?? 0) > 0, "\(errors)")
        let seconds = try #require(result["seconds"] as? Double)
        #expect(
            result["throughputPerSecond"] as? Int
                == Int((Double(result["successes"] as? Int ?? -1) / seconds).rounded()))
        #expect((result["answeredPerSecond"] as? Int ?? 0) > (result["throughputPerSecond"] as? Int ?? 0))
        // An existing server's CPU is not the harness's to read.
        #expect((result["cpuMicrosPerCall"] as? [String: Double])?["server"] == nil)
        #expect((result["successes"] as? Int ?? 0) <= 5)
    }

    /// Against servers it did not start, given several sockets: the first is gone, the
    /// connections go to the next.
    @Test func severalSocketsTheFirstGoneTheCallsGoToTheNext() async throws {
        let server = try await UnblockdProcess()
        defer { server.stop() }
        let result = try bench([
            "--socket", server.folder + "/gone.sock," + server.socket, "--user", "alice", "--password",
            "alice-demo-password", "--call", "list-cards", "--connections", "2", "--duration", "0.5", "--warmup", "0",
        ])
        #expect((result["successes"] as? Int ?? 0) > 0)
        #expect((result["errors"] as? [String: Int] ?? ["missing": 1]).isEmpty, "\(result)")
    }

    /// Its own two nodes on a PostgreSQL the test starts: both serve, the calls spread over them.
    /// Run in the pass of the tests with several nodes (UNBLOCK_NODE_TESTS=1), alone.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["UNBLOCK_NODE_TESTS"] == "1"))
    func twoNodesOfItsOwnOnPostgreSQL() throws {
        let postgres = try PostgresProcess()
        defer { postgres.stop() }
        let result = try bench(
            [
                "--postgres-url", postgres.url, "--nodes", "2", "--call", "unblock-pin-offline", "--connections", "4",
                "--duration", "0.5", "--warmup", "0",
            ], environment: ["UNBLOCK_POSTGRES_PASSWORD": postgres.password, "UNBLOCK_CONFIG": ""])
        #expect((result["successes"] as? Int ?? 0) > 0)
        #expect((result["errors"] as? [String: Int] ?? ["missing": 1]).isEmpty, "\(result)")
    }
}
