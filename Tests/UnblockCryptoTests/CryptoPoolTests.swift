// The worker pool: correct results under concurrency, overload, draining shutdown, lane isolation, cancellation.
import Dispatch
import Synchronization
import Testing
import UnblockCrypto

/// A gate that blocks pool workers until the test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
}

/// Shared mutable state for job closures (a Mutex cannot be captured by a sending closure).
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func update(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

@Suite struct CryptoPoolTests {
    static func pool(
        cipherWorkers: Int = 2,
        cipherQueueLimit: Int = 1_000,
        passwordWorkers: Int = 1,
        passwordQueueLimit: Int = 16
    ) throws -> CryptoPool {
        try CryptoPool(
            configuration: .init(
                cipherWorkers: cipherWorkers, cipherQueueLimit: cipherQueueLimit,
                passwordWorkers: passwordWorkers, passwordQueueLimit: passwordQueueLimit,
                passwordIterations: 1_000
            )
        )
    }

    @Test func openedKeysAreForgottenAfterTheirLifetimeEvenOnAnIdlePool() async throws {
        var configuration = CryptoPool.Configuration.defaults
        configuration.openedKeyLifetime = .seconds(3)
        let pool = try CryptoPool(configuration: configuration)
        let key = try AdminKey(algorithm: .aes128, bytes: try SecureRandom.bytes(16))
        let source = OpenedKeyCache.Source(
            algorithm: .aes128, cardID: "c-1", keyVersion: 1, material: [1], derived: false, checkValue: [])
        let started = ContinuousClock.now
        _ = try await pool.run(on: .cipher) { cipher in
            let opened = cipher.openedKeys.key(for: source) { key }
            return try cipher.encryptBlock([UInt8](repeating: 0, count: 16), key: opened)
        }
        // Still held, unless a starved machine took most of its lifetime to get here.
        let count = pool.openedKeyCount
        if ContinuousClock.now - started < .seconds(2) { #expect(count == 1) }
        // Nothing runs on the pool meanwhile: the sweep forgets it on its own.
        var waited = Duration.zero
        while pool.openedKeyCount > 0 && waited < .seconds(20) {
            try await Task.sleep(for: .milliseconds(100))
            waited += .milliseconds(100)
        }
        #expect(pool.openedKeyCount == 0)
        await pool.shutdown()
    }

    @Test func manyConcurrentJobsGiveCorrectResults() async throws {
        let pool = try Self.pool(cipherQueueLimit: 10_000)
        let keys = try (0..<8).map { index in
            try AdminKey(
                algorithm: index % 2 == 0 ? .tripleDES : .aes128,
                bytes: try SecureRandom.bytes(index % 2 == 0 ? 24 : 16))
        }
        let reference = try BlockCipher()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<2_000 {
                let key = keys[index % keys.count]
                let challenge = try Challenge(
                    text: HexFormat.plain(try SecureRandom.bytes(key.algorithm.blockLength)), algorithm: key.algorithm)
                let expected = try reference.response(to: challenge, key: key)
                group.addTask { try await pool.response(to: challenge, key: key) == expected }
            }
            var correct = 0
            for try await ok in group where ok { correct += 1 }
            #expect(correct == 2_000)
        }
        await pool.shutdown()
    }

    @Test func batchGivesOneResultPerRequest() async throws {
        let pool = try Self.pool()
        let key = try AdminKey(algorithm: .aes256, bytes: try SecureRandom.bytes(32))
        let challenges = try (0..<100).map { _ in
            try Challenge(text: HexFormat.plain(try SecureRandom.bytes(16)), algorithm: .aes256)
        }
        let responses = try await pool.responses(challenges.map { ($0, key) })
        let reference = try BlockCipher()
        #expect(try responses == challenges.map { try reference.response(to: $0, key: key) })
        await pool.shutdown()
    }

    /// Waits (without blocking a thread) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<5_000 where !condition() { try await Task.sleep(for: .milliseconds(1)) }
        #expect(condition())
    }

    /// Occupies the pool's single cipher worker until the returned gate opens.
    static func occupyWorker(of pool: CryptoPool) async throws -> (Gate, Task<Void, any Error>) {
        let gate = Gate()
        let started = Shared(false)
        let blocker = Task {
            try await pool.run { _ in
                started.update { $0 = true }
                gate.wait()
            }
        }
        try await eventually { started.value }
        return (gate, blocker)
    }

    @Test func fullQueueIsRefusedAtOnceAsOverloaded() async throws {
        let pool = try Self.pool(cipherWorkers: 1, cipherQueueLimit: 4)
        let (gate, blocker) = try await Self.occupyWorker(of: pool)
        let fillers = (0..<4).map { _ in Task { try await pool.run { _ in } } }
        try await Self.eventually { pool.queuedJobs(on: .cipher) == 4 }
        do {
            try await pool.run { _ in }
            Issue.record("a fifth job was queued")
        } catch let error as CryptoError {
            #expect(error.code == .overloaded)
        }
        gate.open(1)
        try await blocker.value
        for filler in fillers { try await filler.value }
        await pool.shutdown()
    }

    @Test func shutdownFinishesQueuedWorkThenRefusesNewWork() async throws {
        let pool = try Self.pool(cipherWorkers: 1)
        let (gate, blocker) = try await Self.occupyWorker(of: pool)
        let completed = Shared(0)
        let queued = (0..<50).map { _ in Task { try await pool.run { _ in completed.update { $0 += 1 } } } }
        try await Self.eventually { pool.queuedJobs(on: .cipher) == 50 }

        let shutdown = Task { await pool.shutdown() }
        var refused: CryptoError?
        for _ in 0..<5_000 where refused == nil {
            do {
                try await pool.run(on: .password) { _ in }
                try await Task.sleep(for: .milliseconds(1))
            } catch let error as CryptoError {
                refused = error
            }
        }
        #expect(refused?.code == .shutDown)
        #expect(completed.value == 0, "queued work waits for the busy worker")
        gate.open(1)
        await shutdown.value
        #expect(completed.value == 50, "shutdown returned only after the queue drained")
        try await blocker.value
        for job in queued { try await job.value }
    }

    @Test func cipherJobsCompleteWhileThePasswordLaneIsSaturated() async throws {
        let pool = try Self.pool(cipherWorkers: 1, passwordWorkers: 1, passwordQueueLimit: 8)
        let gate = Gate()
        let passwordJobs = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { try await pool.run(on: .password) { _ in gate.wait() } } }
                try await group.waitForAll()
            }
        }
        let key = try AdminKey(algorithm: .aes128, bytes: try SecureRandom.bytes(16))
        let challenge = try Challenge(text: String(repeating: "AB", count: 16), algorithm: .aes128)
        for _ in 0..<100 {
            _ = try await pool.response(to: challenge, key: key)
        }
        // The password lane is still blocked: every one of its jobs is waiting on the gate.
        gate.open(8)
        try await passwordJobs.value
        await pool.shutdown()
    }

    @Test func passwordsHashAndVerifyOnThePool() async throws {
        let pool = try Self.pool()
        let hash = try await pool.hashPassword("s3cret")
        #expect(try await pool.verifyPassword("s3cret", against: hash))
        #expect(try await !pool.verifyPassword("wrong", against: hash))
        await pool.shutdown()
    }

    /// How a caller stops waiting for its job.
    enum GivingUp: CaseIterable, Sendable {
        case cancelled, deadlinePassed
    }

    @Test(arguments: GivingUp.allCases)
    func aQueuedJobWhoseCallerGivesUpNeverRuns(_ way: GivingUp) async throws {
        let pool = try Self.pool(cipherWorkers: 1)
        let (gate, blocker) = try await Self.occupyWorker(of: pool)
        let ran = Shared(false)
        let deadline = way == .deadlinePassed ? ContinuousClock.now + .milliseconds(50) : nil
        let waiting = Task { try await pool.run(deadline: deadline) { _ in ran.update { $0 = true } } }
        try await Self.eventually { pool.queuedJobs(on: .cipher) == 1 }
        if way == .cancelled { waiting.cancel() }
        // Resumed without waiting for a worker: the only one is held until after this.
        do {
            try await waiting.value
            Issue.record("the job ran while the only worker was held")
        } catch {
            switch way {
            case .cancelled: #expect(error is CancellationError)
            case .deadlinePassed: #expect((error as? CryptoError)?.code == .deadlinePassed)
            }
        }
        gate.open(1)
        try await blocker.value
        await pool.shutdown()
        #expect(ran.value == false)
    }

    /// A password hash can outlast its caller's deadline: the caller resumes when cancelled,
    /// and the job's result, when it comes, goes unheard.
    @Test func cancelledCallerOfARunningJobIsResumedAtOnce() async throws {
        let pool = try Self.pool(cipherWorkers: 1)
        let (gate, caller) = try await Self.occupyWorker(of: pool)
        let outcome = Shared<String?>(nil)
        let watcher = Task {
            let result: String
            do {
                try await caller.value
                result = "returned"
            } catch {
                result = error is CancellationError ? "cancelled" : "\(error)"
            }
            outcome.update { $0 = result }
        }
        caller.cancel()
        // Bounded: before the change this waited for the gate, which opens only below.
        try await Self.eventually { outcome.value != nil }
        gate.open(1)
        await watcher.value
        await pool.shutdown()
        #expect(outcome.value == "cancelled")
    }
}
