// What a call carries besides its message: who sent it, on which connection, and by when it must end.
import UnblockCore

/// The envelope facts of one call.
struct CallContext: Sendable {
    let connection: ConnectionIdentity
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
}
