// Following the other nodes: NOTIFY for each commit, a poll besides, and the tables kept bounded.
import PostgresNIO
import UnblockCore
import UnblockStore

extension PostgresStore {
    /// Keeps the copy current until the store closes, connecting again whenever the
    /// connection is lost (the copy then stops answering once `freshness` has passed).
    func follow() async {
        var lastFailure: String?
        while !Task.isCancelled {
            do {
                try await followerConnection.use { connection in
                    try await connection.listen(on: ChangeWriter.channel) { notifications in
                        try await followNotifications(notifications, on: connection)
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                // Cut off: the copy may miss commits from now on.
                replica.withLock { $0.following = false }
                let failure = Self.storeError(error).message
                if failure != lastFailure {
                    logger.warning("cannot follow the database; retrying", metadata: ["reason": "\(failure)"])
                    lastFailure = failure
                }
            }
            try? await Task.sleep(for: configuration.pollInterval)
        }
    }

    private func followNotifications(
        _ notifications: PostgresNotificationSequence, on connection: PostgresConnection
    ) async throws {
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Sessions may have ended while no one listened.
            sessionsEnded(.unknown)
            group.addTask { [self] in
                for try await notification in notifications {
                    if notification.payload.first?.isNumber == true {
                        signal.yield()
                    } else {
                        sessionsEnded(notification.payload)
                    }
                }
                throw StoreError(code: .unavailable, message: "the notifications from PostgreSQL ended")
            }
            group.addTask { [configuration] in
                while true {
                    signal.yield()
                    try await Task.sleep(for: configuration.pollInterval)
                }
            }
            group.addTask { [self] in
                var maintained = ContinuousClock.now
                for await _ in signals {
                    try await refresh(on: connection)
                    if maintained.duration(to: .now) > .seconds(60) {
                        maintained = .now
                        try await removeExpiredRows(on: connection)
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Brings the copy up to the database's last commit (loading it again when the change log
    /// no longer reaches back to it), and records when it was known current.
    func refresh(on connection: PostgresConnection) async throws {
        let asked = ContinuousClock.now
        if replica.withLock({ $0.needsReload }) {
            let (directory, sequence) = try await DirectoryLoader.load(
                on: connection, auditRetention: configuration.auditRetention, logger: logger)
            replica.withLock { replica in
                guard sequence >= replica.lastSequence else { return }
                replica.directory = directory
                replica.lastSequence = sequence
                replica.needsReload = false
            }
            logger.warning("the directory was loaded again: this node had fallen behind the change log")
        }
        var last: Int64 = 0
        for try await sequence in try await connection.query("SELECT last_sequence FROM unblock_state", logger: logger)
            .decode(Int64.self)
        {
            last = sequence
        }
        do {
            try await catchUp(to: UInt64(last), on: connection)
        } catch let error as StoreError where error.code == .unavailable {
            return  // a reload is due; the next signal does it
        }
        _ = apply([], confirmedAt: asked)
    }

    /// Removes what no node needs any more: old rows of the change log, responses older than a
    /// card remembers, expired sessions, and audit events past their retention.
    private func removeExpiredRows(on connection: PostgresConnection) async throws {
        let now = Timestamp.now
        let changeLogSeconds = Int64(configuration.changeLogRetention.components.seconds)
        try await connection.query(
            "DELETE FROM unblock_changes WHERE committed_at < now() - make_interval(secs => \(changeLogSeconds))",
            logger: logger)
        let responseHorizon = (now - SmartCard.responseMemory).milliseconds
        try await connection.query("DELETE FROM issued_responses WHERE at_ms < \(responseHorizon)", logger: logger)
        try await connection.query(
            "DELETE FROM sessions WHERE expires_ms < \(now.milliseconds)", logger: logger)
        if let retention = configuration.auditArchiveRetention {
            let horizon = (now - retention).milliseconds
            try await connection.query("DELETE FROM audit_events WHERE at_ms < \(horizon)", logger: logger)
        }
    }
}
