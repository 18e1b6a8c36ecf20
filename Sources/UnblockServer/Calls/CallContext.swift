// What a call carries besides its message: who sent it, on which connection, and by when it must end.
import UnblockCore

/// The envelope facts of one call.
struct CallContext: Sendable {
    let connectionID: UInt64
    let callID: UInt64
    let method: String
    let sessionToken: String
    let deadline: ContinuousClock.Instant

    /// Throws `DEADLINE_EXCEEDED` once the deadline has passed. Checked between the stages of
    /// a call, never after a change was recorded (a recorded change is always answered).
    func checkDeadline() throws {
        if ContinuousClock.now >= deadline {
            throw RPCError(.deadlineExceeded, "the call's deadline passed before it could finish")
        }
    }

    /// Waits for `body` (a wait on the crypto pool) until the deadline. Past it the wait is
    /// abandoned, `DEADLINE_EXCEEDED`: a job still queued never runs (its caller has given up;
    /// hashing its password would only delay the calls behind it), one already running
    /// finishes unheard. `body` must record nothing (see `checkDeadline`).
    func beforeDeadline<Output: Sendable>(
        _ body: @escaping @Sendable () async throws -> Output
    ) async throws -> Output {
        try checkDeadline()
        let deadline = self.deadline
        return try await withThrowingTaskGroup(of: Output?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let output = try await group.next() ?? nil else {
                throw RPCError(.deadlineExceeded, "the call's deadline passed while it waited for the crypto pool")
            }
            return output
        }
    }
}
