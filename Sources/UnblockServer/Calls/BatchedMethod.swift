// A method whose calls are checked on the event loop and finished together on the crypto pool.
import UnblockCore
import UnblockCrypto
import UnblockWire

/// The two halves of a batched method. Its calls are checked as they are read (no task, no
/// hop), and the calls an event loop starts in one pass go to a crypto worker as one job:
/// a method whose work is a short cipher and a commit pays for wake-ups, not for the work,
/// and a batch turns several wake-ups per call into a few per batch.
protocol BatchedMethod: Sendable {
    associatedtype Method: RPCMethod
    /// What the checks established for one call; carried through the batch to `finish`.
    associatedtype Plan: Sendable

    /// The checks that need neither the crypto pool nor the disk, on the event loop, in the
    /// read that found the caller. Throws the call's refusal.
    func plan(_ request: Method.Request, caller: Caller, view: any DirectoryView, context: CallContext) throws -> Plan

    /// Finishes a batch on a crypto worker (`cipher` is that worker's). `completion` gets one
    /// outcome per plan, in order, once whatever they record is durable; from any thread.
    func finish(
        _ plans: [Plan],
        cipher: BlockCipher,
        completion: @escaping @Sendable ([Result<Method.Response, any Error>]) -> Void
    )
}
