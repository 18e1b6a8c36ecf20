// Runs tasks on one event loop: a connection's (the server), a database connection's (the
// PostgreSQL store), so that the task and its socket's I/O need no hop between threads.
import NIOCore

/// A task executor backed by one event loop.
///
/// For short work that waits on that loop's sockets: a call's parsing, session lookup and
/// read of the directory; a database store's statements. Slow work never runs here.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
