// The audit trail: ListAuditEvents, by filter and a page at a time, or followed live with a bounded wait.
import Foundation
import UnblockCore
import UnblockWire

extension AdminProvider {
    func listAuditEvents(_ request: ListAuditEventsRequest, _ caller: Caller, _ context: CallContext) async throws
        -> ListAuditEventsResponse
    {
        try caller.require(.readAudit)
        guard request.pageSize <= 1_000 else { throw RPCError(.invalidArgument, "page_size is at most 1000") }
        guard request.waitMilliseconds <= 30_000 else { throw RPCError(.invalidArgument, "wait_ms is at most 30000") }
        var query = AuditQuery()
        query.limit = request.pageSize == 0 ? 100 : Int(request.pageSize)
        query.user = request.user.isEmpty ? nil : request.user
        query.action = request.action.isEmpty ? nil : request.action
        if request.sinceUnixMilliseconds > 0 {
            query.since = Timestamp(milliseconds: Int64(request.sinceUnixMilliseconds))
        }
        if request.untilUnixMilliseconds > 0 {
            query.until = Timestamp(milliseconds: Int64(request.untilUnixMilliseconds))
        }
        if !request.cardSerial.isEmpty {
            let serial = request.cardSerial
            query.target = try await store.read { try $0.existingCard(serial: serial).id.description }
        }
        query.newestFirst = !request.oldestFirst && request.afterSequence == 0
        if let key = try PageToken.key("a1", in: request.pageToken) {
            guard let sequence = UInt64(key) else {
                throw RPCError(.invalidArgument, "page_token is not one this server gave; start again without it")
            }
            if query.newestFirst { query.beforeSequence = sequence } else { query.afterSequence = sequence }
        }
        query.afterSequence = max(query.afterSequence, request.afterSequence)

        // A follower asks for what comes after the last event it saw: wait for it, within
        // the call's deadline, looking again now and then (an event is seldom awaited long).
        let waitUntil = min(ContinuousClock.now + .milliseconds(Int64(request.waitMilliseconds)), context.deadline)
        var (events, last) = try await store.auditEvents(query)
        while events.isEmpty && request.afterSequence > 0 && ContinuousClock.now < waitUntil && !shuttingDown() {
            try await Task.sleep(for: .milliseconds(100))
            (events, last) = try await store.auditEvents(query)
        }
        let full = events.count == query.limit
        return ListAuditEventsResponse(
            events: events.map {
                AuditEventRecord(
                    sequence: $0.sequence, atUnixMilliseconds: UInt64(max(0, $0.at.milliseconds)), actor: $0.actor,
                    action: $0.action, target: $0.target, outcome: $0.outcome, detail: $0.detail)
            },
            nextPageToken: full ? PageToken.make("a1", after: String(events.last!.sequence)) : "", lastSequence: last)
    }
}
