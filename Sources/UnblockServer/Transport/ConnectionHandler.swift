// One client connection: reads frames, runs up to the limit of calls concurrently, writes each answer when ready.
import Logging
import NIOCore
import Synchronization
import UnblockWire

/// Serves one connection until the client leaves, misbehaves past repair, or the server stops.
///
/// Never throws: whatever one client sends, the server goes on serving the others.
struct ConnectionHandler: Sendable {
    let id: UInt64
    let handler: SelfServiceHandler
    let callsInFlight: Int
    let activeCalls: CallCounter
    let logger: Logger

    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.channel.eventLoop)) {
                try await connection.executeThenClose { inbound, outbound in
                    try await serve(inbound: inbound, outbound: outbound)
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["connection": "\(id)", "error": "\(error)"])
        }
    }

    private func serve(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let limiter = CallLimiter(limit: callsInFlight)
        let callIDs = CallIDs()
        await withDiscardingTaskGroup { group in
            do {
                for try await payload in inbound {
                    let frame: RequestFrame
                    do {
                        frame = try RequestFrame(buffer: payload)
                        guard frame.callID != 0 else {
                            throw WireError(code: .malformedMessage, message: "call_id 0 is reserved")
                        }
                    } catch {
                        await fail(
                            outbound, .invalidArgument, "malformed request frame: \(error); closing the connection")
                        return
                    }
                    guard callIDs.insert(frame.callID) else {
                        var buffer = ByteBuffer()
                        buffer.writeFrame(
                            ResponseFrame(
                                callID: frame.callID, statusCode: .invalidArgument,
                                statusMessage: "call_id \(frame.callID) is already in flight"))
                        try await outbound.write(buffer)
                        continue
                    }
                    // Do not read on until a slot is free: more frames wait in the socket (backpressure).
                    await limiter.acquire()
                    activeCalls.increment()
                    group.addTask {
                        let response = await handler.handle(frame, connectionID: id)
                        callIDs.remove(frame.callID)
                        try? await outbound.write(response)
                        activeCalls.decrement()
                        limiter.release()
                    }
                }
            } catch let error as WireError where error.code == .frameTooLarge {
                await fail(outbound, .resourceExhausted, "\(error.message); closing the connection")
            } catch {
                logger.debug("connection read failed", metadata: ["connection": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// A connection-level error: one status frame with call id 0, then the connection closes.
    private func fail(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, _ code: StatusCode, _ message: String)
        async
    {
        logger.info(
            "closing a connection after a protocol error", metadata: ["connection": "\(id)", "reason": "\(message)"])
        var buffer = ByteBuffer()
        buffer.writeFrame(ResponseFrame(callID: 0, statusCode: code, statusMessage: message))
        try? await outbound.write(buffer)
        outbound.finish()
    }
}

/// Calls in flight across all connections, so that shutdown can wait for them.
final class CallCounter: Sendable {
    private let count = Atomic(0)
    func increment() { count.add(1, ordering: .relaxed) }
    func decrement() { count.subtract(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// The call ids in flight on one connection.
final class CallIDs: Sendable {
    private let ids = Mutex(Set<UInt64>())

    /// Adds `id`; false if it is already in flight.
    func insert(_ id: UInt64) -> Bool { ids.withLock { $0.insert(id).inserted } }
    func remove(_ id: UInt64) { _ = ids.withLock { $0.remove(id) } }
}
