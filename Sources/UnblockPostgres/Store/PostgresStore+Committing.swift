// The committer: queued commits written in batches, each batch one transaction on the latest state.
import PostgresNIO
import UnblockCore
import UnblockStore

extension PostgresStore {
    /// Writes the queued commits until the store closes (then those still queued, too).
    func runCommitter(_ wakeups: AsyncStream<Void>) async {
        for await _ in wakeups {
            while let batch = nextBatch() { await write(batch) }
        }
        while let batch = nextBatch() { await write(batch) }
    }

    private func nextBatch() -> [PendingCommit]? {
        queue.withLock { queue in
            guard !queue.waiting.isEmpty else { return nil }
            let batch = Array(queue.waiting.prefix(configuration.maximumBatch))
            queue.waiting.removeFirst(batch.count)
            return batch
        }
    }

    /// One transaction for `batch`: each commit decides on the state the ones before it left.
    private func write(_ batch: [PendingCommit]) async {
        var outcomes = [(any Error)?](repeating: nil, count: batch.count)
        do {
            let written = try await committerConnection.use { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await decideAndWrite(batch, outcomes: &outcomes, on: connection)
                }
            }
            if let written {
                _ = apply([(written.sequence, written.mutations)], confirmedAt: nil)
                let events = written.mutations.compactMap { if case .audit(let event) = $0 { event } else { nil } }
                for observer in configuration.auditObservers { observer.append(events) }
            }
        } catch {
            let failure = Self.storeError(error)
            if failure.code != .unavailable {
                logger.error("a commit to PostgreSQL failed: \(failure.message)")
            }
            for index in outcomes.indices where outcomes[index] == nil { outcomes[index] = failure }
        }
        for (pending, outcome) in zip(batch, outcomes) {
            if let outcome { pending.fail(outcome) } else { pending.succeed() }
        }
    }

    /// Locks the store's state row, brings the copy up to the database, runs the transactions
    /// and writes their mutations; the change written (nil when there was nothing to write).
    private func decideAndWrite(
        _ batch: [PendingCommit], outcomes: inout [(any Error)?], on connection: PostgresConnection
    ) async throws -> (sequence: UInt64, mutations: [Mutation])? {
        var last: Int64 = 0
        for try await sequence in try await connection.query(
            "SELECT last_sequence FROM unblock_state FOR UPDATE", logger: logger
        ).decode(Int64.self) {
            last = sequence
        }
        try await catchUp(to: UInt64(last), on: connection)
        // Current: caught up to the last commit, and no other can be made while the row is locked.
        var working = try replica.withReadLock { replica in
            guard replica.lastSequence == UInt64(last) else {
                throw StoreError(code: .unavailable, message: "the directory in memory is behind the database")
            }
            return replica.directory
        }
        var mutations: [Mutation] = []
        for (index, pending) in batch.enumerated() {
            do {
                // Audit events take their sequences here, so that every node applies the same.
                for mutation in try pending.decide(working) {
                    let event = working.apply(mutation)
                    mutations.append(event.map { .audit($0) } ?? mutation)
                }
            } catch {
                outcomes[index] = error
            }
        }
        guard !mutations.isEmpty else { return nil }
        let sequence = UInt64(last) + 1
        try await ChangeWriter(mutations: mutations, directory: working, sequence: sequence)
            .write(on: connection, logger: logger)
        return (sequence, mutations)
    }

    /// Applies to the copy the changes committed after it, up to `sequence`.
    func catchUp(to sequence: UInt64, on connection: PostgresConnection) async throws {
        while true {
            let after = replica.withReadLock { $0.lastSequence }
            guard after < sequence else { return }
            var records: [(sequence: UInt64, mutations: [Mutation])] = []
            for try await record in try await connection.query(
                "SELECT record FROM unblock_changes WHERE sequence > \(Int64(after)) ORDER BY sequence LIMIT 1000",
                logger: logger
            ).decode(ByteBuffer.self) {
                records.append(try RecordCoding.mutations(Array(record.readableBytesView)))
            }
            guard !records.isEmpty, apply(records, confirmedAt: nil) else {
                replica.withLock { $0.needsReload = true }
                throw StoreError(code: .unavailable, message: "the change log no longer holds what this node misses")
            }
        }
    }

    /// What a failed batch tells its callers.
    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            return storeError(error.closureError ?? error.commitError ?? error.beginError ?? error)
        }
        if DatabaseConnection.isConnectionFailure(error) {
            return StoreError(code: .unavailable, message: "PostgreSQL: \(PostgresFailure.describe(error))")
        }
        // A unique key refused a change the copy in memory thought new: nothing was written.
        return StoreError(code: .conflict, message: "PostgreSQL refused the change: \(PostgresFailure.describe(error))")
    }
}
