// The async half of a connection: runs the calls that need a task and writes each answer when it is ready.
import Logging
import NIOCore
import Synchronization
import UnblockWire

/// Runs the calls `CallRouter` passes on (Authenticate, EnableProcess, DisableProcess: a
/// password check or a commit, written as async code) and writes each answer when it is
/// ready. The router caps how many are in flight.
///
/// Never throws: whatever one client sends, the server goes on serving the others.
struct ConnectionHandler: Sendable {
    let connection: ConnectionIdentity
    let methods: MethodTable
    let callIDs: CallIDs
    let activeCalls: CallCounter
    let logger: Logger

    func serve(_ connection: NIOAsyncChannel<RequestFrame, ByteBuffer>) async {
        do {
            try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.channel.eventLoop)) {
                try await connection.executeThenClose { inbound, outbound in
                    try await serve(inbound: inbound, outbound: outbound)
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["connection": "\(self.connection.id)", "error": "\(error)"])
        }
    }

    private func serve(
        inbound: NIOAsyncChannelInboundStream<RequestFrame>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        await withDiscardingTaskGroup { group in
            do {
                for try await frame in inbound {
                    activeCalls.increment()
                    group.addTask {
                        let response = await methods.answerOnTask(frame, connection)
                        callIDs.remove(frame.callID)
                        try? await outbound.write(response)
                        activeCalls.decrement()
                    }
                }
            } catch {
                logger.debug(
                    "connection read failed", metadata: ["connection": "\(self.connection.id)", "error": "\(error)"])
            }
            // The client is gone: its answers cannot reach it, and a call waiting (a follower of
            // the audit trail) must not hold the server's drain at shutdown.
            group.cancelAll()
        }
    }
}

/// Calls in flight across all connections, so that shutdown can wait for them.
package final class CallCounter: Sendable {
    package init() {}

    private let count = Atomic(0)
    func increment() { count.add(1, ordering: .relaxed) }
    func decrement() { count.subtract(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// The call ids in flight on one connection.
package final class CallIDs: Sendable {
    package init() {}

    private let ids = Mutex(Set<UInt64>())

    func contains(_ id: UInt64) -> Bool { ids.withLock { $0.contains(id) } }
    func insert(_ id: UInt64) { _ = ids.withLock { $0.insert(id) } }
    func remove(_ id: UInt64) { _ = ids.withLock { $0.remove(id) } }
}
