// unblockd's configuration file: read at start under the flags and the environment, checked, shown.
import Foundation
import Testing
import UnblockTesting

@Suite struct ConfigurationFileTests {
    let folder = "/tmp/ubcfg-\(UInt32.random(in: 0...UInt32.max))"

    func write(_ text: String, to name: String, mode: Int = 0o600) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func unblockd(_ arguments: [String], environment: [String: String] = [:]) -> ProgramResult {
        runProgram(
            builtProduct("unblockd"), arguments, environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 })
    }

    @Test func aServerStartsFromItsFileAndFlagsThenTheEnvironmentWinOverIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let filePort = try freeTCPPort()
        let flagPort = try freeTCPPort()
        let file = try write(
            """
            # A deployment's settings.
            data-dir: \(folder)/data
            unix-socket: none
            tcp: 127.0.0.1:\(filePort)
            import: \(UnblockdProcess.demo.path)
            password-iterations: 1000
            responses-per-day: 7
            max-sessions: 500
            log-level: error
            trusted-app: [portal.example.org, kiosk.example.org]
            ldap-service-password: never-shown-3f9a
            """, to: "unblockd.yaml")

        // What a start would use, and from where: the environment over the file over the defaults.
        let shown = unblockd(["config", "show", "--config", file], environment: ["UNBLOCK_MAX_SESSIONS": "900"])
        #expect(shown.status == 0, "\(shown.errors)")
        #expect(shown.output.contains("responses-per-day: 7  # configuration file"), "\(shown.output)")
        #expect(shown.output.contains("max-sessions: 900  # UNBLOCK_MAX_SESSIONS"))
        #expect(shown.output.contains("max-connections: 1024  # default"))
        #expect(
            shown.output.contains(#"trusted-app: ["portal.example.org", "kiosk.example.org"]  # configuration file"#))
        #expect(shown.output.contains(#"ldap-service-password: "********""#))
        #expect(!shown.output.contains("never-shown-3f9a"))
        #expect(unblockd(["config", "check", "--config", file]).output == "\(file): ok\n")

        // Started from the file, the server listens where the file says...
        let fromFile = try await ServerRun(["serve", "--config", file], port: filePort, environment: [:])
        fromFile.stop()
        #expect(fromFile.answered)
        // ...and where a flag says, over the file, on the same data (the import is not repeated).
        let fromFlag = try await ServerRun(
            ["serve", "--config", file, "--tcp", "127.0.0.1:\(flagPort)"], port: flagPort,
            environment: ["UNBLOCK_CONFIG": "/nonexistent"])
        fromFlag.stop()
        #expect(fromFlag.answered)
    }

    /// The file's keys are the options' names: one list, checked against `serve --help` (and
    /// the PostgreSQL options of `migrate --help`).
    @Test func everyOptionOfServeIsAKeyAndEveryKeyAnOption() {
        func options(_ command: String) -> Set<String> {
            Set(
                unblockd([command, "--help"]).output.matches(of: /--([a-z][a-z-]+)/).map { String($0.1) }.filter {
                    !["help", "version", "config"].contains($0)
                })
        }
        let options = options("serve").union(options("migrate").filter { $0.hasPrefix("postgres-") })
        let shown = unblockd(["config", "show"], environment: ["UNBLOCK_CONFIG": ""]).output
        let keys = Set(shown.matches(of: /(?m)^#? ?([a-z][a-z-]+):/).map { String($0.1) })
        #expect(options.count > 40)
        // The keys without a flag: a password on a command line is visible to every local user.
        #expect(keys.subtracting(options) == ["ldap-service-password", "postgres-password"])
        #expect(options.subtracting(keys).isEmpty, "\(options.subtracting(keys))")
    }

    @Test func everyProblemOfAFileIsNamedWithItsLineAndWhatIsAllowedAndNothingStarts() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = try write(
            """
            data-dir: \(folder)/data
            tcp-port: 8625
            max-sesions: 10
            fsync: sometimes
            responses-per-day: 0
            allow-insecure-tcp: maybe
            trusted-app-user:
            """, to: "bad.yaml")
        for command in [["config", "check"], ["serve"]] {
            let refused = unblockd(command + ["--config", file])
            #expect(refused.status == 78, "\(command): \(refused.errors)")
            for expected in [
                "\(file), line 2: unknown key \"tcp-port\" (the keys are the options' names without their dashes)",
                "\(file), line 3: unknown key \"max-sesions\"; did you mean max-sessions?",
                "\(file), line 4: fsync takes always, everysec or none, not sometimes",
                "\(file), line 5: responses-per-day takes a whole number from 1 to 1000, not 0",
                "\(file), line 6: allow-insecure-tcp takes true or false, not maybe",
                "\(file), line 7: trusted-app-user takes a list, e.g. [\"first\", \"second\"]",
            ] {
                #expect(refused.errors.contains(expected), "\(command): \(refused.errors)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/data"))

        // A secret in a file every local user can read is refused, naming the remedy.
        let open = try write("ldap-service-password: s3cret-open\n", to: "open.yaml", mode: 0o644)
        let exposed = unblockd(["config", "check", "--config", open])
        #expect(exposed.status == 78 && exposed.errors.contains("chmod o-r \(open)"), "\(exposed.errors)")
        #expect(!exposed.errors.contains("s3cret-open"))

        // Not YAML, a missing file, and a bad environment variable.
        let broken = try write("data-dir: [\n", to: "broken.yaml")
        #expect(unblockd(["config", "check", "--config", broken]).errors.contains("\(broken): not valid YAML: line"))
        let missing = unblockd(["serve", "--config", folder + "/none.yaml"])
        #expect(missing.status == 78 && missing.errors.contains("--config \(folder)/none.yaml: no such file"))
        let variable = unblockd(["config", "check"], environment: ["UNBLOCK_LOG_LEVEL": "loud", "UNBLOCK_CONFIG": ""])
        #expect(
            variable.status == 78
                && variable.errors.contains(
                    "UNBLOCK_LOG_LEVEL (log-level) takes trace, debug, info, notice, warning, error or critical, not loud"
                ),
            "\(variable.errors)")
    }
}

/// unblockd started in the background, stopped with SIGTERM.
private final class ServerRun {
    let process = Process()
    /// Whether `unblockctl health` got an answer on the port.
    private(set) var answered = false

    init(_ arguments: [String], port: Int, environment: [String: String]) async throws {
        process.executableURL = builtProduct("unblockd")
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 where process.isRunning {
            let health = runProgram(
                builtProduct("unblockctl"), ["health", "--host", "127.0.0.1", "--port", "\(port)"],
                environment: ["PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": "/nonexistent"])
            if health.status == 0 {
                answered = true
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func stop() {
        process.terminate()
        for _ in 0..<200 where process.isRunning { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
