// Runs a connection's tasks on the connection's own event loop, so that a frame read, its
// call and the answer's write need no hop between threads.
import NIOCore

/// A task executor backed by one event loop.
///
/// A call's own work is short (parsing, a session lookup, a read of the directory); it runs
/// on the loop that reads and writes its connection. Slow work never does: cryptography goes
/// to the crypto pool and journal writes to the journal's queue, and the call resumes here.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
