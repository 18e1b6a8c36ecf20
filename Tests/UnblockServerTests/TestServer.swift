// A real server for end-to-end tests: demo directory, both transports, graceful shutdown.
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockServer
import UnblockStore
import UnblockWire

/// Which socket a test talks over; every end-to-end test runs over both.
enum Transport: String, CaseIterable, Sendable, CustomStringConvertible {
    case unix, tcp
    var description: String { rawValue }
}

/// A running server with the demo directory, and clients for it.
struct TestServer: Sendable {
    let addresses: [BindAddress]
    let dataDirectory: String
    /// The embedded store, or PostgreSQL when UNBLOCK_TEST_STORE=postgres (`TestStore`).
    let store: any DirectoryStore
    /// The server's crypto pool, for tests that hold its workers.
    let pool: CryptoPool
    /// Starts the graceful shutdown a SIGTERM would (returns without waiting for it).
    let shutDown: @Sendable () async -> Void
    /// The server itself, for what a signal would do (reload TLS).
    let server: UnblockServer

    static let demo = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/demo-directory.json").standardized
    static let passwordIterations = 1_000

    func address(_ transport: Transport) -> BindAddress {
        addresses.first { address in
            switch (address, transport) {
            case (.unixDomainSocket, .unix), (.hostname, .tcp): true
            default: false
            }
        }!
    }

    func client(_ transport: Transport, timeout: Duration = .seconds(10)) -> UnblockClient {
        UnblockClient(target: address(transport), defaultTimeout: timeout)
    }

    /// A client logged in as `username` (demo password).
    func login(_ username: String, _ transport: Transport) async throws -> UnblockClient {
        let client = client(transport)
        try await client.authenticate(username: username, password: "\(username)-demo-password")
        return client
    }

    /// Runs `body` against a fresh server; the data directory is `folder` when given (to restart;
    /// on PostgreSQL, the database named after it). `storage` (faults) runs on the embedded store.
    static func with<Result: Sendable>(
        folder: String? = nil,
        storage: (any Storage)? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        pool: CryptoPool.Configuration? = nil,
        passwordIterations serverIterations: Int = passwordIterations,
        metrics: (any MetricsFactory)? = nil,
        logger serverLogger: Logger? = nil,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let root = folder ?? "/tmp/ub-\(UInt32.random(in: 0...UInt32.max))"
        defer { if folder == nil { try? FileManager.default.removeItem(atPath: root) } }
        let store: any DirectoryStore
        if TestStore.current == .postgres && storage == nil {
            store = try await TestStore.openPostgres(
                name: "ub_" + root.split(separator: "-").last!.lowercased(), dataDirectory: root + "/data")
        } else {
            var storeConfiguration = EmbeddedStore.Configuration(dataDirectory: root + "/data")
            storeConfiguration.logger.logLevel = .critical
            storeConfiguration.journalPreallocation = 64 << 10
            if let storage { storeConfiguration.storage = storage }
            storeConfiguration.metrics = metrics
            store = try EmbeddedStore(configuration: storeConfiguration)
        }
        if store.withDirectory({ $0.accounts.isEmpty }) {
            _ = try await store.importDirectory(
                try Data(contentsOf: demo), masterKeys: store.masterKeys,
                crypto: .inline(PasswordHasher(iterations: passwordIterations)))
        }
        var poolConfiguration = pool ?? CryptoPool.Configuration.defaults
        poolConfiguration.passwordIterations = serverIterations
        let cryptoPool = try CryptoPool(configuration: poolConfiguration)
        // A short socket path: sockaddr_un holds about 100 bytes.
        var configuration = ServerConfiguration(listeners: [
            .unixDomainSocket(path: root + "/s.sock"), .hostname("127.0.0.1", port: 0),
        ])
        configuration.metrics = metrics
        configure(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let server = try UnblockServer(
            configuration: configuration, store: store, masterKeys: store.masterKeys,
            decoyPasswordIterations: store.withDirectory(\.mostCommonPasswordIterations), pool: cryptoPool,
            logger: serverLogger ?? logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: CryptoPoolService(pool: cryptoPool)), .init(service: StoreService(store: store)),
                    .init(service: server),
                ],
                logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let addresses = try await server.listeningAddresses()
            do {
                let result = try await body(
                    TestServer(
                        addresses: addresses, dataDirectory: root + "/data", store: store, pool: cryptoPool,
                        shutDown: { await group.triggerGracefulShutdown() }, server: server))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}

/// The demo cards' serials.
enum Demo {
    static let aliceEmployee = "04782E21801D80"  // 3DES, sealed, profile not enabled by default
    static let aliceContractor = "04A1B2C3D4E5F6"  // AES-128, derived, profile enabled
    static let aliceSuspended = "04112233445566"
    static let bobEmployee = "0499AABBCCDDEE"
    static let carolContractor = "04CAFEBABE0001"  // carol is inactive
}

/// The pool's one password worker held by a job that waits, so that no password check can end
/// until `release()`; taken without blocking the test's own threads.
final class HeldPasswordWorker: Sendable {
    private let gate: DispatchSemaphore
    private let job: Task<Void, any Error>

    init(_ pool: CryptoPool) async throws {
        let gate = DispatchSemaphore(value: 0)
        let started = Atomic(false)
        job = Task {
            try await pool.run(on: .password) { _ in
                started.store(true, ordering: .releasing)
                gate.wait()
            }
        }
        self.gate = gate
        while !started.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
    }

    /// Lets the worker go.
    func release() { gate.signal() }

    /// Waits for the job that held it to end.
    func finished() async throws { try await job.value }
}
