// The audit trail as every node recorded it: queried in the database.
import PostgresNIO
import UnblockCore
import UnblockStore

extension PostgresStore {
    public func auditEvents(_ query: AuditQuery) async throws -> (events: [AuditEvent], lastSequence: UInt64) {
        let last = try currentDirectory().nextAuditSequence - 1
        guard query.limit > 0 else { return ([], last) }
        var sql = PostgresQuery(
            unsafeSQL: "SELECT record FROM audit_events WHERE sequence > $1 AND sequence < $2",
            binds: PostgresBindings())
        try sql.binds.append(Int64(clamping: query.afterSequence))
        try sql.binds.append(Int64(clamping: query.beforeSequence))
        func condition(_ text: (String) -> String, _ value: some PostgresEncodable & Sendable) throws {
            try sql.binds.append(value)
            sql.sql += " AND " + text("$\(sql.binds.count)")
        }
        if let user = query.user { try condition({ "(actor = \($0) OR target = \($0))" }, user) }
        if let target = query.target { try condition({ "target = \($0)" }, target) }
        if let action = query.action { try condition({ "action = \($0)" }, action) }
        if let since = query.since { try condition({ "at_ms >= \($0)" }, since.milliseconds) }
        if let until = query.until { try condition({ "at_ms <= \($0)" }, until.milliseconds) }
        sql.sql += " ORDER BY sequence \(query.newestFirst ? "DESC" : "ASC") LIMIT \(query.limit)"
        let events = try await lookupConnection.use { connection in
            var events: [AuditEvent] = []
            for try await record in try await connection.query(sql, logger: logger).decode(ByteBuffer.self) {
                events.append(try RecordCoding.auditEvent(Array(record.readableBytesView)))
            }
            return events
        }
        return (events, last)
    }
}
