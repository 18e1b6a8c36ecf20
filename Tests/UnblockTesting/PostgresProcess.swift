// A real PostgreSQL for a test: Debian's initdb and pg_ctl in a folder of its own, on a free port.
import Foundation

/// A PostgreSQL server started by the test itself, as an unprivileged user when the tests run
/// as root (PostgreSQL refuses root); `stop()` ends it in every outcome.
public final class PostgresProcess {
    public let folder = "/tmp/ubpg-\(UInt32.random(in: 0...UInt32.max))"
    public let port: Int
    public let password = "pg-test-\(UInt32.random(in: 0...UInt32.max))"
    public static let database = "unblock"
    public static let user = "unblock"
    private let bin: String

    /// The URL for unblockd: the password apart (UNBLOCK_POSTGRES_PASSWORD or a file).
    public var url: String { "postgres://\(Self.user)@127.0.0.1:\(port)/\(Self.database)?sslmode=disable" }

    /// Serves TLS with this certificate and key (PEM) besides plain connections.
    private let tls: (certificate: String, key: String)?

    public init(tls: (certificate: String, key: String)? = nil) throws {
        self.tls = tls
        guard
            let version = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")
                .compactMap({ Int($0) }).max()
        else { throw TestingError("PostgreSQL is not installed (Scripts/bootstrap --test installs it)") }
        bin = "/usr/lib/postgresql/\(version)/bin"
        port = try freeTCPPort()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try password.write(toFile: folder + "/password", atomically: true, encoding: .utf8)
        // Modes set outright: a server binding its socket in this process may hold a umask
        // (0117) that leaves a new folder without search permission.
        chmod(folder, 0o700)
        chmod(folder + "/password", 0o600)
        if let tls {
            // PostgreSQL reads its key only when no one else may.
            try FileManager.default.copyItem(atPath: tls.certificate, toPath: folder + "/server.pem")
            try FileManager.default.copyItem(atPath: tls.key, toPath: folder + "/server.key")
            chmod(folder + "/server.key", 0o600)
        }
        if getuid() == 0 { try run("/bin/chown", ["-R", "nobody", folder], asRoot: true) }
        try run(
            "\(bin)/initdb",
            [
                "-D", folder + "/data", "-U", Self.user, "--auth=scram-sha-256", "--pwfile=\(folder)/password", "-E",
                "UTF8",
            ])
        try start()
        try run(
            "\(bin)/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", Self.user, Self.database],
            environment: ["PGPASSWORD": password])
    }

    /// Starts the server on its data (again after `stop(keepingData:)` or `kill()`).
    public func start() throws {
        try run(
            "\(bin)/pg_ctl",
            [
                "-D", folder + "/data", "-l", folder + "/log", "-w", "-t", "30", "-o",
                "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=600"
                    + (tls == nil
                        ? "" : " -c ssl=on -c ssl_cert_file=\(folder)/server.pem -c ssl_key_file=\(folder)/server.key"),
                "start",
            ])
    }

    /// Stops it at once (no checkpoint) and, unless told otherwise, removes its files.
    public func stop(keepingData: Bool = false) {
        try? run("\(bin)/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
        if !keepingData { try? FileManager.default.removeItem(atPath: folder) }
    }

    deinit { if FileManager.default.fileExists(atPath: folder) { stop() } }

    /// Runs a command to its end, as the unprivileged user when this process is root.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: pg_ctl leaves the server it
    /// starts behind, and Process then never noticed runuser's exit (a zombie, never reaped).
    private func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], asRoot: Bool = false
    )
        throws
    {
        let command =
            getuid() == 0 && !asRoot
            ? ["/usr/sbin/runuser", "-u", "nobody", "--", program] + arguments : [program] + arguments
        let outputPath = folder + "/command-output"
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let variables = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"].merging(environment) { $1 }.map { "\($0)=\($1)" }
        var argv = command.map { strdup($0) } + [nil]
        var envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, command[0], &actions, nil, &argv, &envp) == 0 else {
            throw TestingError("cannot start \(command[0])")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestingError(
                "\(program) failed (status \(status)): \(text.suffix(900).replacingOccurrences(of: "\n", with: " | "))")
        }
    }
}
