// unblockd's logs for machines: JSON log lines, and the audit log a SIEM follows (reopened on SIGHUP).
import Foundation
import Testing
import UnblockTesting

@Suite(.serialized) struct OperationsLogTests {
    @Test func withJSONLogFormatEveryLineIsAnObject() async throws {
        try await withTemporaryDirectory { folder in
            let unblockd = try UnblockdLog([
                "serve", "--data-dir", folder + "/data", "--unix-socket", folder + "/s.sock", "--log-format", "json",
            ])
            defer { unblockd.stop() }
            let logged = unblockd.logged
            _ = try await logged.wait { $0.contains("\"message\":\"listening\"") }
            let lines = logged.text.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["time"] != nil && object?["level"] != nil && object?["logger"] != nil, "\(line)")
            }
            #expect(lines.contains { $0.contains("\"message\":\"listening\"") }, "\(logged.text)")
        }
    }

    @Test func theAuditLogHasEveryEventAsAJSONLineAndStartsAgainAfterSIGHUP() async throws {
        let folder = "/tmp/ub-audit-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.log"
        let harness = try await CLIHarness(extra: ["--audit-log", path])
        defer { harness.stop() }
        harness.login("alice")
        func lines(_ file: String) async throws -> [[String: Any]] {
            for _ in 0..<100 {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                let objects = text.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                if objects.contains(where: { $0["action"] as? String == "authenticate" }) { return objects }
                try await Task.sleep(for: .milliseconds(20))
            }
            return []
        }
        let first = try await lines(path)
        let login = try #require(first.last { $0["action"] as? String == "authenticate" })
        #expect(login["actor"] as? String == "alice" && login["outcome"] as? String == "success", "\(login)")
        #expect(login["sequence"] as? Int != nil && (login["time"] as? String)?.hasSuffix("Z") == true)
        // logrotate: the file moves, SIGHUP, and the next events go to a new file at the path.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        harness.server.send(SIGHUP)
        var reopened: [[String: Any]] = []
        for _ in 0..<50 where reopened.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            harness.login("bob")
            reopened = try await lines(path)
        }
        #expect(reopened.contains { $0["actor"] as? String == "bob" }, "\(reopened)")
        #expect(try await lines(path + ".1").allSatisfy { $0["actor"] as? String != "bob" })
    }

    @Test func securityEventsAreLoggedAtInfoWithoutSecrets() async throws {
        try await withTemporaryDirectory { folder in
            let unblockd = try UnblockdLog([
                "serve", "--data-dir", folder + "/data", "--unix-socket", folder + "/s.sock", "--log-format", "json",
                "--import", UnblockdProcess.demo.path, "--password-iterations", "1000", "--journal-preallocate", "1",
            ])
            defer { unblockd.stop() }
            let logged = unblockd.logged
            _ = try await logged.wait { $0.contains("\"message\":\"listening\"") }
            let environment = [
                "UNBLOCK_SOCKET": folder + "/s.sock", "XDG_CONFIG_HOME": folder + "/config", "PATH": "/usr/bin:/bin",
            ]
            func unblockctl(_ arguments: [String], input: String? = nil) -> ProgramResult {
                runProgram(builtProduct("unblockctl"), arguments, input: input, environment: environment)
            }
            #expect(
                unblockctl(["login", "--user", "alice", "--password-stdin"], input: "alice-demo-password\n").status == 0
            )
            let challenge = "1603EBDF1C8A2E7200112233445566AA"
            let answered = unblockctl(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", challenge, "--json"])
            #expect(answered.status == 0, "\(answered.errors)")
            let response =
                (try JSONSerialization.jsonObject(with: Data(answered.output.utf8)) as? [String: Any])?["response"]
                as? String ?? "none"
            #expect(unblockctl(["unblock", "--card", "04A1B2C3D4E5F6", "--challenge", challenge]).status != 0)
            _ = try await logged.wait { $0.contains("unblock refused") && $0.contains("\"unblock-pin-offline\"") }
            let lines = logged.text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let security = lines.filter { $0["logger"] as? String == "unblockd.security" }
            #expect(security.contains { $0["message"] as? String == "authenticate" })
            let issued = try #require(security.first { $0["message"] as? String == "unblock-pin-offline" })
            let detail = ((issued["metadata"] as? [String: Any])?["detail"] as? String) ?? ""
            #expect(
                detail.range(of: "challengeSHA256=[0-9A-F]{12}( |$)", options: .regularExpression) != nil, "\(detail)")
            #expect(
                lines.contains { $0["message"] as? String == "unblock refused" && $0["level"] as? String == "info" })
            let text = logged.text.uppercased()
            #expect(!text.contains(challenge) && !text.contains(response.replacingOccurrences(of: " ", with: "")))
            #expect(!text.contains(response.uppercased()) && !text.contains("ALICE-DEMO-PASSWORD"))
        }
    }
}
