// unblock-bench: drives unblockd with a chosen call and load, and reports throughput and latency percentiles.
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import UnblockClient
import UnblockTLS
import UnblockWire

@main
struct UnblockBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock-bench",
        abstract: "Load-test unblockd: throughput, latency percentiles, errors by status.",
        discussion: """
            Without --socket or --host, the harness generates a directory (--users users, one card \
            each, 3DES and AES keys alternately), starts a release unblockd on a temporary data \
            directory with limits set for load, enables the process, runs, stops the server and \
            cleans up. Build in release: a debug harness measures itself, not the server.

            Besides throughput and latency it reports the CPU time per call of the harness and, \
            for its own server, of the server (from /proc): on a shared machine that figure varies \
            far less than throughput.
            """,
        version: UnblockVersion.current
    )

    @Option(help: "unblock-pin-offline, list-cards, authenticate, health or mix.")
    var call: String = "unblock-pin-offline"

    @Option(help: "Weights for --call mix, e.g. unblock-pin-offline=60,list-cards=30,health=10.")
    var mix: String = "unblock-pin-offline=60,list-cards=30,health=10"

    @Option(help: "Connections.")
    var connections: Int = 50

    @Option(help: "Calls in flight per connection (closed loop).")
    var inFlight: Int = 1

    @Option(help: "Open loop: requests per second in total (instead of a closed loop).")
    var rate: Double?

    @Option(help: "Seconds to measure.")
    var duration: Double = 10

    @Option(help: "Stop after this many requests instead (no warm-up: every request is measured).")
    var requests: Int?

    @Option(help: "Seconds of warm-up before measuring.")
    var warmup: Double = 2

    @Option(
        help: """
            An existing server's Unix socket; several, comma-separated, for nodes sharing a store (the \
            connections are spread over them; one that cannot connect takes the next).
            """)
    var socket: String?

    @Option(help: "An existing server's TCP host; several, comma-separated, like --socket.")
    var host: String?

    @Option(help: "An existing server's TCP port.")
    var port: Int = BindAddress.defaultPort

    @Option(help: "Username for an existing server.")
    var user: String?

    @Option(help: "Password for an existing server (or env UNBLOCK_BENCH_PASSWORD).")
    var password: String?

    @Option(help: "Card serial for unblock-pin-offline on an existing server.")
    var card: String?

    @Option(help: "Users and cards in the generated directory.")
    var users: Int = 10_000

    @Flag(help: "Use TCP (127.0.0.1) instead of the Unix socket for the harness's own server.")
    var tcp = false

    @Flag(help: "TLS over TCP (the harness's own server gets a certificate made for the run; implies --tcp).")
    var tls = false

    @Option(help: "An existing server's CA file for TLS (implies --tls).")
    var tlsCa: String?

    @Option(help: "A client certificate for an existing server that asks for one.")
    var tlsCert: String?

    @Option(help: "The private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "The name an existing server's certificate carries, if not the host's.")
    var tlsServerName: String?

    @Flag(help: "Measure new connections per second instead of calls: each connects, calls Health, and closes.")
    var handshakes = false

    @Option(
        help: """
            Run the harness's own servers on this PostgreSQL database (empty; the password from \
            UNBLOCK_POSTGRES_PASSWORD) instead of the embedded store.
            """)
    var postgresUrl: String?

    @Option(help: "How many nodes the harness starts on --postgres-url (the connections are spread over them).")
    var nodes = 1

    @Option(help: "The harness's server's --fsync policy.")
    var fsync: String = "always"

    @Option(
        help: """
            PBKDF2 iterations in the generated directory when logins are measured (the server's \
            default is 600000); for other calls the harness's users log in once at setup, with 1000.
            """)
    var passwordIterations: Int = 100_000

    @Option(help: "The unblockd binary for the harness's own server (default: next to unblock-bench).")
    var serverBinary: String?

    @Option(help: "Cards imported into the harness's server before measuring (beside one per user), 200 per call.")
    var preloadCards: Int = 0

    @Option(
        help: """
            While measuring, back the harness's server up into this directory (backup-1, backup-2, ...), \
            one backup after another: the figures are those of a server being backed up.
            """)
    var backupTo: String?

    @Option(help: "Write the result as JSON to this file.")
    var json: String?

    @Option(help: "Append the result as a Markdown table row to this file (used by Scripts/bench).")
    var markdownRow: String?

    @Flag(help: "Exit 0 even when most calls fail (to measure a server under overload).")
    var allowErrors = false

    @Option(
        help: """
            While measuring, import this many new cards into the harness's own server through \
            ImportDirectory, in calls of 200 cards, and report how long it took.
            """)
    var importCards: Int = 0

    func validate() throws {
        guard connections >= 1, inFlight >= 1, duration > 0, warmup >= 0, users >= 1 else {
            throw ValidationError("--connections, --in-flight, --duration and --users must be positive")
        }
        guard nodes >= 1, nodes == 1 || postgresUrl != nil, postgresUrl == nil || (socket == nil && host == nil) else {
            throw ValidationError(
                "--nodes above 1 needs --postgres-url, and --postgres-url the harness's own servers (no --socket or --host)"
            )
        }
        if (importCards > 0 || preloadCards > 0) && (socket != nil || host != nil) {
            throw ValidationError(
                "--import-cards and --preload-cards need the harness's own server (no --socket or --host)")
        }
        if let backupTo {
            guard socket == nil && host == nil, importCards == 0, backupTo.hasPrefix("/") else {
                throw ValidationError(
                    "--backup-to takes an absolute path, with the harness's own server and without --import-cards")
            }
        }
        _ = try weights()
    }

    func weights() throws -> [(BenchCall, Int)] {
        if let single = BenchCall(rawValue: call) { return [(single, 1)] }
        guard call == "mix" else {
            throw ValidationError("--call takes \(BenchCall.allCases.map(\.rawValue).joined(separator: ", ")) or mix")
        }
        return try mix.split(separator: ",").map { part in
            let pieces = part.split(separator: "=")
            guard pieces.count == 2, let call = BenchCall(rawValue: String(pieces[0])), let weight = Int(pieces[1])
            else {
                throw ValidationError("--mix takes CALL=WEIGHT pairs separated by commas")
            }
            return (call, weight)
        }
    }

    func run() async throws {
        #if DEBUG
            FileHandle.standardError.write(
                Data(
                    """
                    ********************************************************************
                    WARNING: unblock-bench is a DEBUG build; it will measure itself.
                    Build it with: swift build -c release --product unblock-bench
                    ********************************************************************\n
                    """.utf8))
        #endif
        let managed: ManagedServer?
        let targets: [BindAddress]
        let callsUnblock = try weights().contains { $0.0 == .unblockPinOffline }
        if (socket != nil || host != nil) && callsUnblock {
            FileHandle.standardError.write(
                Data(
                    """
                    unblock-bench: against an existing server, every unblock-pin-offline call that succeeds \
                    uses one of the card's daily responses and is audited as an issued response.\n
                    """.utf8))
        }
        var connector = try Connector(tls: nil)
        if let socket {
            targets = Self.list(socket).map { .unixDomainSocket(path: $0) }
            managed = nil
        } else if let host {
            targets = Self.list(host).map { .hostname($0, port: port) }
            managed = nil
            if tls || tlsCa != nil {
                connector = try Connector(
                    tls: TLSClientSettings(
                        trustRootsFile: tlsCa, certificateChainFile: tlsCert, privateKeyFile: tlsKey,
                        serverName: tlsServerName))
            }
        } else {
            let binary =
                serverBinary
                ?? URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appending(path: "unblockd").path
            let measuresLogins = try weights().contains { $0.0 == .authenticate }
            managed = try await ManagedServer(
                binary: binary, users: users, tcp: tcp || tls, tls: tls, fsync: fsync,
                passwordIterations: measuresLogins ? passwordIterations : 1_000, postgresURL: postgresUrl, nodes: nodes)
            targets = managed!.addresses
            connector = managed!.connector
        }
        defer { managed?.stop() }
        if handshakes {
            let result = try await HandshakeRate.measure(
                target: targets[0], connector: connector, concurrency: connections, warmup: warmup, duration: duration,
                serverPID: managed?.processIdentifier)
            print(result)
            return
        }
        let identities = try await makeIdentities(targets: targets, managed: managed != nil, connector: connector)
        let preloader =
            preloadCards > 0
            ? CardImporter(
                target: targets[0], connector: connector, cards: preloadCards, owners: users, serialPrefix: "C2")
            : nil
        if let preloader {
            try await preloader.run()
            if let report = await preloader.report {
                print(report.replacingOccurrences(of: "import  ", with: "preload "))
            }
        }
        let importer =
            importCards > 0
            ? CardImporter(target: targets[0], connector: connector, cards: importCards, owners: users) : nil
        let backups = backupTo.map { BackupRunner(target: targets[0], connector: connector, folder: $0) }
        var whileMeasuring: (@Sendable () async throws -> Void)?
        if let importer { whileMeasuring = { try await importer.run() } }
        if let backups {
            let window = Duration.seconds(duration)
            whileMeasuring = { try await backups.run(for: window) }
        }
        let result = try await drive(
            targets: targets, connector: connector, identities: identities, serverPID: managed?.processIdentifier,
            whileMeasuring: whileMeasuring)
        print(result.table)
        if let report = await importer?.report { print(report) }
        if let report = await backups?.report { print(report) }
        if let json {
            var object = result.json
            if let summary = await importer?.summary { object["import"] = summary }
            if let summary = await preloader?.summary { object["preload"] = summary }
            if let summary = await backups?.summary { object["backup"] = summary }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(filePath: json))
        }
        if let markdownRow {
            if !FileManager.default.fileExists(atPath: markdownRow) {
                try Data().write(to: URL(filePath: markdownRow))
            }
            let handle = try FileHandle(forWritingTo: URL(filePath: markdownRow))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((result.markdownRow + "\n").utf8))
            try handle.close()
        }
        if result.mostlyFailed {
            FileHandle.standardError.write(
                Data(
                    """
                    unblock-bench: MOST CALLS FAILED: \(result.requests - result.successes) of \(result.requests) \
                    were refused or failed; the figures above measure refusals, not \(call).\n
                    """.utf8))
            if !allowErrors { throw ExitCode(1) }
        }
    }

    /// Opens the connections, drives them, and collects the figures.
    private func drive(
        targets: [BindAddress], connector: Connector, identities: [[BenchIdentity]], serverPID: Int32?,
        whileMeasuring: (@Sendable () async throws -> Void)? = nil
    ) async throws -> BenchResult {
        let group = MultiThreadedEventLoopGroup.singleton
        let loops = Array(group.makeIterator())
        let recorder = Recorder(shards: loops.count)
        let budget = RequestBudget(requests)
        let warmup = requests == nil ? self.warmup : 0
        let total = requests == nil ? warmup + duration : 24 * 3_600
        let stopAt = NIODeadline.now() + .nanoseconds(Int64(total * 1e9))
        let pacing: Pacing = rate.map { .open(perSecond: $0 / Double(connections)) } ?? .closed(inFlight: inFlight)
        let weights = try weights()
        let clock = ContinuousClock()
        func beginMeasuring() -> (started: ContinuousClock.Instant, cpu: (server: Double?, harness: Double?)) {
            recorder.startRecording()
            return (clock.now, (serverPID.flatMap { ProcessCPU.seconds(pid: $0) }, ProcessCPU.seconds()))
        }
        // With --requests every request counts, so measuring starts before the first one is sent.
        var measuring = requests == nil ? nil : beginMeasuring()
        var finished: [EventLoopFuture<Void>] = []
        for (index, connectionIdentities) in identities.enumerated() {
            let loop = loops[index % loops.count]
            let shard = recorder.shards[index % loops.count]
            let promise = loop.makePromise(of: Void.self)
            finished.append(promise.futureResult)
            let bootstrap = ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if case .hostname(let host, _) = targets[index % targets.count],
                            let tls = try connector.handler(host: host)
                        {
                            try channel.pipeline.syncOperations.addHandler(tls)
                        }
                        try channel.pipeline.syncOperations.addHandler(FrameReader())
                        try channel.pipeline.syncOperations.addHandler(
                            LoadConnection(
                                workload: Workload(weights: weights, identities: connectionIdentities), pacing: pacing,
                                recorder: shard, budget: budget, stopAt: stopAt, finished: promise))
                    }
                }
            try await Self.connect(bootstrap, toOneOf: targets, startingAt: index)
        }
        if measuring == nil {
            try await Task.sleep(for: .seconds(warmup))
            measuring = beginMeasuring()
        }
        let (started, cpuAtStart) = measuring!
        let sideTask = whileMeasuring.map { work in Task { try await work() } }
        defer { sideTask?.cancel() }
        let progress = isatty(STDOUT_FILENO) == 1
        let allDone = EventLoopFuture.andAllComplete(finished, on: group.next())
        let done = DoneFlag()
        allDone.whenComplete { _ in done.set() }
        var lastTick = started
        while NIODeadline.now() < stopAt && !done.isSet {
            try await Task.sleep(for: .milliseconds(100))
            if progress && clock.now - lastTick >= .seconds(1) {
                lastTick = clock.now
                let interval = recorder.takeInterval()
                let elapsed = Int((clock.now - started).components.seconds)
                print(
                    String(
                        format: "%4ds  %8d/s  p99 %6d us  errors %d", elapsed, interval.requests, interval.p99,
                        interval.errors))
            }
        }
        recorder.stopRecording()
        let cpuAtEnd = (server: serverPID.flatMap { ProcessCPU.seconds(pid: $0) }, harness: ProcessCPU.seconds())
        let seconds =
            Double((clock.now - started).components.attoseconds) / 1e18
            + Double((clock.now - started).components.seconds)
        _ = try? await allDone.get()
        try await sideTask?.value
        let totals = recorder.totals()
        return BenchResult(
            call: call, transport: "\(targets[0])".hasPrefix("unix") ? "unix" : connector.tls == nil ? "tcp" : "tls",
            connections: connections,
            inFlight: rate == nil ? inFlight : 0, rate: rate, seconds: seconds, histogram: totals.0, outcomes: totals.1,
            serverCPUSeconds: cpuAtEnd.server.flatMap { end in cpuAtStart.server.map { end - $0 } },
            harnessCPUSeconds: cpuAtEnd.harness.flatMap { end in cpuAtStart.harness.map { end - $0 } })
    }
}

/// A flag set once from any thread.
final class DoneFlag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
