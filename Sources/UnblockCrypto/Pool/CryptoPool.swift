// The crypto worker pool: a cipher lane for unblock responses and a capped lane for password hashing.
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs every cryptographic operation of the service off the network event loops and
/// off Swift's cooperative pool, on dedicated Dispatch workers.
///
/// Two lanes keep slow work from starving fast work: password hashing (hundreds of
/// milliseconds each) runs on its own, smaller lane, so a burst of logins cannot hold up
/// unblock responses (microseconds each).
public final class CryptoPool: Sendable {
    /// Which lane a job runs on.
    public enum Lane: Sendable {
        /// Block ciphers, key checks, sealing: microseconds per job.
        case cipher
        /// Password hashing and verification: hundreds of milliseconds per job.
        case password
    }

    /// Pool sizes and limits.
    public struct Configuration: Sendable {
        /// Workers on the cipher lane.
        public var cipherWorkers: Int
        /// Jobs that may wait on the cipher lane before new ones are refused as overloaded.
        public var cipherQueueLimit: Int
        /// Workers on the password lane: the cap on concurrent password hashes.
        public var passwordWorkers: Int
        /// Jobs that may wait on the password lane.
        public var passwordQueueLimit: Int
        /// PBKDF2 iterations for new password hashes.
        public var passwordIterations: Int
        /// How long an idle cipher worker polls for work before parking; trades a little
        /// CPU after each burst for low latency at low load (0 disables it).
        public var cipherIdleSpin: Duration = .microseconds(20)
        /// How long a caller polls for a cipher job's result before suspending (0 disables it).
        public var callerSpin: Duration = .microseconds(20)
        /// How long a worker keeps an admin key it opened (and its key schedule): checked a
        /// few times per lifetime, so a key is gone at most a quarter of it later.
        public var openedKeyLifetime: Duration = .seconds(600)

        public init(
            cipherWorkers: Int,
            cipherQueueLimit: Int,
            passwordWorkers: Int,
            passwordQueueLimit: Int,
            passwordIterations: Int
        ) {
            self.cipherWorkers = cipherWorkers
            self.cipherQueueLimit = cipherQueueLimit
            self.passwordWorkers = passwordWorkers
            self.passwordQueueLimit = passwordQueueLimit
            self.passwordIterations = passwordIterations
        }

        /// One cipher worker per active processor; half as many password workers (at least one).
        public static var defaults: Configuration {
            let processors = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
            return Configuration(
                cipherWorkers: processors,
                cipherQueueLimit: 16_384,
                passwordWorkers: max(1, processors / 2),
                passwordQueueLimit: 256,
                passwordIterations: PasswordHasher.defaultIterations
            )
        }
    }

    private let callerSpin: Duration
    /// Where callers' deadlines expire: a queue of its own, so that a busy global queue (a
    /// snapshot encodes on it) cannot hold them up.
    private let deadlines = DispatchQueue(label: "unblock.crypto.deadlines")
    private let cipherLane: WorkerLane
    private let passwordLane: WorkerLane
    /// Hashes new passwords with the configured cost.
    public let passwordHasher: PasswordHasher
    /// Forgets opened admin keys past their lifetime, on every worker, even when idle.
    private let keySweeper: Mutex<any DispatchSourceTimer>

    /// Starts the workers (they sleep until there is work).
    public init(configuration: Configuration = .defaults) throws(CryptoError) {
        cipherLane = try WorkerLane(
            name: "cipher", workers: configuration.cipherWorkers,
            queueLimit: configuration.cipherQueueLimit, batchSize: 64, idleSpin: configuration.cipherIdleSpin
        )
        passwordLane = try WorkerLane(
            name: "password", workers: configuration.passwordWorkers,
            queueLimit: configuration.passwordQueueLimit, batchSize: 1
        )
        passwordHasher = PasswordHasher(iterations: configuration.passwordIterations)
        callerSpin = configuration.callerSpin
        let lifetime = configuration.openedKeyLifetime
        let lanes = [cipherLane, passwordLane]
        let sweeper = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "unblock.crypto.key-sweeper"))
        let period = (lifetime / 4).dispatchInterval
        sweeper.schedule(deadline: .now() + period, repeating: period)
        sweeper.setEventHandler {
            let horizon = ContinuousClock.now - lifetime
            for lane in lanes { lane.withEachCipher { $0.forgetKeys(openedBefore: horizon) } }
        }
        sweeper.resume()
        keySweeper = Mutex(sweeper)
    }

    deinit {
        keySweeper.withLock { $0.cancel() }
    }

    /// Admin keys the workers hold open now (for tests and metrics).
    public var openedKeyCount: Int {
        var count = 0
        for lane in [cipherLane, passwordLane] { lane.withEachCipher { count += $0.openedKeys.count } }
        return count
    }

    /// Runs `body` on a worker of `lane` and returns its result.
    ///
    /// When a worker can start the job at once, the caller polls for the result for up to
    /// `callerSpin` before it suspends: a cipher job takes about a microsecond, while
    /// suspending and being woken costs tens of microseconds on a virtual machine. With a
    /// backlog the caller suspends at once.
    ///
    /// With a `deadline`, the caller stops waiting when it passes: a job still queued never
    /// runs (its caller has given up; running it would only delay the jobs behind it), and a
    /// running one finishes unheard. The timer is set only once the job is queued, so a
    /// refusal stays as cheap as it must be under overload.
    ///
    /// - Throws: `CryptoError` `.overloaded` at once when the lane's queue is full,
    ///   `.shutDown` after `shutdown()`, `.deadlinePassed` when the deadline passes first,
    ///   `CancellationError` when the calling task is cancelled first, or whatever `body` throws.
    public func run<Output: Sendable>(
        on lane: Lane = .cipher,
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (BlockCipher) throws -> Output
    ) async throws -> Output {
        try Task.checkCancellation()
        let job = ContinuationJob(body)
        let prompt = try (lane == .cipher ? cipherLane : passwordLane).enqueue(job)
        if prompt && lane == .cipher && callerSpin > .zero,
            let result = job.poll(until: ContinuousClock.now.advanced(by: callerSpin))
        {
            return try result.get()
        }
        // A timer source, not `asyncAfter`: cancelled, it is gone at once, whereas a cancelled
        // work item stays queued until its time (and a client may ask for a deadline weeks away).
        let timer = deadline.map { deadline in
            let timer = DispatchSource.makeTimerSource(queue: deadlines)
            timer.schedule(deadline: .now() + max(.zero, deadline - .now).dispatchInterval)
            timer.setEventHandler {
                job.cancel(with: CryptoError(code: .deadlinePassed, message: "the deadline passed"))
            }
            timer.resume()
            return timer
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in job.attach(continuation) }
        } onCancel: {
            job.cancel()
        }
    }

    /// Runs `body` on a worker of `lane`; the worker then calls `completion` with its result.
    ///
    /// For callers that are not tasks (an event loop): no continuation, no suspension, and
    /// whatever follows the cipher (recording the result) can run on the same worker.
    ///
    /// - Throws: `CryptoError` `.overloaded` at once when the lane's queue is full (nothing
    ///   runs, `completion` is not called), `.shutDown` after `shutdown()`.
    public func submit(
        on lane: Lane = .cipher,
        _ body: @escaping @Sendable (BlockCipher) -> Void
    ) throws(CryptoError) {
        try (lane == .cipher ? cipherLane : passwordLane).enqueue(CallbackJob(body))
    }

    /// Jobs waiting for a worker on `lane` (for metrics and tests).
    public func queuedJobs(on lane: Lane) -> Int {
        (lane == .cipher ? cipherLane : passwordLane).queuedJobs
    }

    /// Stops taking jobs, and returns when every queued job has finished.
    public func shutdown() async {
        // Both lanes stop accepting at once; then each drains.
        async let cipherDrained: Void = cipherLane.shutdown()
        async let passwordDrained: Void = passwordLane.shutdown()
        _ = await (cipherDrained, passwordDrained)
    }
}

extension CryptoPool {
    /// The response to `challenge` with `key`, computed on the cipher lane.
    public func response(to challenge: Challenge, key: AdminKey) async throws -> UnblockResponse {
        try await run(on: .cipher) { cipher in try cipher.response(to: challenge, key: key) }
    }

    /// Responses for many challenges in one job: one queue hop for the whole batch.
    public func responses(_ requests: [(challenge: Challenge, key: AdminKey)]) async throws -> [UnblockResponse] {
        try await run(on: .cipher) { cipher in
            try requests.map { request in try cipher.response(to: request.challenge, key: request.key) }
        }
    }

    /// Hashes `password` on the password lane.
    public func hashPassword(_ password: String) async throws -> String {
        let hasher = passwordHasher
        return try await run(on: .password) { _ in try hasher.hash(password) }
    }

    /// Verifies `password` against a stored hash on the password lane, waiting at most until
    /// `deadline` (see `run`).
    public func verifyPassword(
        _ password: String, against encoded: String, deadline: ContinuousClock.Instant? = nil
    ) async throws -> Bool {
        let hasher = passwordHasher
        return try await run(on: .password, deadline: deadline) { _ in try hasher.verify(password, against: encoded) }
    }
}

extension Duration {
    /// The same span for Dispatch, to the nanosecond.
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
