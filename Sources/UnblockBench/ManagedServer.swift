// A server the harness starts for itself: a generated directory, a release unblockd, a temporary folder.
import Foundation
import NIOPosix
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockTLS
import UnblockWire

/// Owns the `unblockd` processes for the run (one, or several nodes on one PostgreSQL database)
/// and removes everything after.
final class ManagedServer {
    let folder: String
    /// Each node's address.
    let addresses: [BindAddress]
    /// How the harness reaches it (over TLS when it was started with TLS).
    let connector: Connector
    private var processes: [Process] = []

    static let password = "bench-password"
    static let adminPassword = "bench-admin-password"
    static let profile = "Bench Card"

    /// Writes a directory of `users` users, each with one card (3DES and AES-128 alternately),
    /// starts `binary` on it with limits set for load, and waits until it serves.
    /// With `tls`, the server's TCP listener is TLS with a certificate made for it, and `connector` trusts it.
    /// With `postgresURL` (an empty database; the password from the environment), `nodes`
    /// servers share it: the first imports the directory and makes the master key, the others
    /// start with a copy of it.
    init(
        binary: String, users: Int, tcp: Bool, tls: Bool, fsync: String, passwordIterations: Int,
        postgresURL: String? = nil, nodes: Int = 1
    ) async throws {
        folder =
            FileManager.default.temporaryDirectory.appending(path: "unblock-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let directoryFile = folder + "/directory.json"
        try Self.writeDirectory(to: directoryFile, users: users, passwordIterations: passwordIterations)
        var addresses: [BindAddress] = []
        var ports: [Int] = []
        for node in 0..<nodes {
            // A port the system says is free now (a random one was sometimes taken by another program).
            let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            ports.append(probe.localAddress?.port ?? 8625 + node)
            try await probe.close()
            addresses.append(
                tcp ? .hostname("127.0.0.1", port: ports[node]) : .unixDomainSocket(path: folder + "/s\(node).sock"))
        }
        self.addresses = addresses
        let store = postgresURL.map { ["--store", "postgres", "--postgres-url", $0] } ?? []
        var arguments =
            store + [
                "--fsync", fsync, "--responses-per-day", "1000",
                // The harness is one client standing in for many: the per-client limits are lifted.
                "--max-connections", "100000", "--max-connections-per-client", "100000", "--max-logins-per-client",
                "100000",
                "--calls-in-flight", "1024",
                "--password-iterations",
                "\(passwordIterations)",
                "--log-level", "warning",
            ]
        if tls {
            let files = try Connector.makeCertificates(in: folder)
            arguments += ["--tls-cert", files.certificate, "--tls-key", files.key]
            connector = try Connector(tls: TLSClientSettings(trustRootsFile: files.ca))
        } else {
            connector = try Connector(tls: nil)
        }
        for node in 0..<nodes {
            let data = folder + "/data\(node)"
            if node > 0 {
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: folder + "/data0/master.key", toPath: data + "/master.key")
            }
            let process = Process()
            process.executableURL = URL(filePath: binary)
            process.arguments =
                ["serve", "--data-dir", data, "--unix-socket", folder + "/s\(node).sock"]
                + ["--tcp", tcp ? "127.0.0.1:\(ports[node])" : "none"]
                + (node == 0 ? ["--import", directoryFile] : []) + arguments
            try process.run()
            processes.append(process)
            try await waitUntilServing(addresses[node], users: users, binary: binary)
        }
    }

    /// The first node's address.
    var address: BindAddress { addresses[0] }

    private func waitUntilServing(_ address: BindAddress, users: Int, binary: String) async throws {
        let client = try connector.client(address)
        // The import of a large generated directory takes a while: about 10 s per 100,000 users.
        let deadline = ContinuousClock.now + .seconds(30 + users / 10_000)
        while ContinuousClock.now < deadline {
            if (try? await client.health(timeout: .seconds(1)))?.status == .serving {
                await client.close()
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        stop()
        throw BenchError("the server did not start (\(binary))")
    }

    /// The first node's process id, to read its CPU time.
    var processIdentifier: Int32 { processes[0].processIdentifier }

    /// Stops the servers (SIGTERM, graceful) and removes the folder.
    func stop() {
        for process in processes where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func username(_ index: Int) -> String { "user\(index)" }
    static func serial(_ index: Int) -> String { String(format: "B0%012X", index) }
    static func challengeBytes(_ index: Int) -> Int { index % 2 == 0 ? 8 : 16 }

    private static func writeDirectory(to path: String, users: Int, passwordIterations: Int) throws {
        // One hash for every bench user: hashing thousands of passwords would dominate the setup.
        let hasher = PasswordHasher(iterations: passwordIterations)
        let hash = try hasher.hash(password)
        var userEntries: [[String: Any]] = [
            [
                "username": "bench-admin", "displayName": "Bench Admin", "roles": ["selfservice", "admin"],
                "passwordHash": try hasher.hash(adminPassword),
            ]
        ]
        var cardEntries: [[String: Any]] = []
        for index in 0..<users {
            userEntries.append([
                "username": username(index), "displayName": "Bench User \(index)", "passwordHash": hash,
            ])
            let algorithm = challengeBytes(index) == 8 ? AdminKeyAlgorithm.tripleDES : .aes128
            cardEntries.append([
                "serial": serial(index), "owner": username(index), "profile": profile,
                "adminKey": [
                    "algorithm": algorithm.rawValue,
                    "hex": HexFormat.plain(try SecureRandom.bytes(algorithm.keyLength)),
                ],
            ])
        }
        let directory: [String: Any] = [
            "profiles": [["name": profile, "enabledProcesses": ["active": []]]], "users": userEntries,
            "cards": cardEntries,
        ]
        try JSONSerialization.data(withJSONObject: directory).write(to: URL(filePath: path))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
