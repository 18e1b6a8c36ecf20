// Admin.ListAuditEvents: the audit trail by filter, a page at a time, or followed live.
import CUnblockProtos
import UnblockProtobufBridge

/// One entry of the audit trail.
public struct AuditEventRecord: WireMessage {
    public var sequence: UInt64
    public var atUnixMilliseconds: UInt64
    public var actor: String
    public var action: String
    public var target: String
    public var outcome: String
    public var detail: String

    public init(
        sequence: UInt64, atUnixMilliseconds: UInt64, actor: String, action: String, target: String, outcome: String,
        detail: String
    ) {
        self.sequence = sequence
        self.atUnixMilliseconds = atUnixMilliseconds
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.detail = detail
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__audit_event_record__init,
        unpack: unblock__v1__audit_event_record__unpack,
        free: unblock__v1__audit_event_record__free_unpacked,
        read: { c throws(WireError) in
            Self(
                sequence: c.sequence, atUnixMilliseconds: c.at_unix_ms,
                actor: try CReader.string(c.actor, field: "AuditEventRecord.actor"),
                action: try CReader.string(c.action, field: "AuditEventRecord.action"),
                target: try CReader.string(c.target, field: "AuditEventRecord.target"),
                outcome: try CReader.string(c.outcome, field: "AuditEventRecord.outcome"),
                detail: try CReader.string(c.detail, field: "AuditEventRecord.detail"))
        },
        write: { message, c, arena in
            c.sequence = message.sequence
            c.at_unix_ms = message.atUnixMilliseconds
            c.actor = arena.string(message.actor)
            c.action = arena.string(message.action)
            c.target = arena.string(message.target)
            c.outcome = arena.string(message.outcome)
            c.detail = arena.string(message.detail)
        }
    )
}

public struct ListAuditEventsRequest: WireMessage {
    public var user: String
    public var cardSerial: String
    public var action: String
    /// 0: no bound.
    public var sinceUnixMilliseconds: UInt64
    public var untilUnixMilliseconds: UInt64
    public var oldestFirst: Bool
    /// 1 to 1000; 0: 100.
    public var pageSize: UInt32
    public var pageToken: String
    /// Only events after this sequence, oldest first.
    public var afterSequence: UInt64
    /// With `afterSequence`: how long to wait for an event (the contract's bound is 30 seconds).
    public var waitMilliseconds: UInt32

    public init(
        user: String = "", cardSerial: String = "", action: String = "", sinceUnixMilliseconds: UInt64 = 0,
        untilUnixMilliseconds: UInt64 = 0, oldestFirst: Bool = false, pageSize: UInt32 = 0, pageToken: String = "",
        afterSequence: UInt64 = 0, waitMilliseconds: UInt32 = 0
    ) {
        self.user = user
        self.cardSerial = cardSerial
        self.action = action
        self.sinceUnixMilliseconds = sinceUnixMilliseconds
        self.untilUnixMilliseconds = untilUnixMilliseconds
        self.oldestFirst = oldestFirst
        self.pageSize = pageSize
        self.pageToken = pageToken
        self.afterSequence = afterSequence
        self.waitMilliseconds = waitMilliseconds
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_audit_events_request__init,
        unpack: unblock__v1__list_audit_events_request__unpack,
        free: unblock__v1__list_audit_events_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                user: try CReader.string(c.user, field: "ListAuditEventsRequest.user"),
                cardSerial: try CReader.string(c.card_serial, field: "ListAuditEventsRequest.card_serial"),
                action: try CReader.string(c.action, field: "ListAuditEventsRequest.action"),
                sinceUnixMilliseconds: c.since_unix_ms, untilUnixMilliseconds: c.until_unix_ms,
                oldestFirst: c.oldest_first != 0, pageSize: c.page_size,
                pageToken: try CReader.string(c.page_token, field: "ListAuditEventsRequest.page_token"),
                afterSequence: c.after_sequence, waitMilliseconds: c.wait_ms)
        },
        write: { message, c, arena in
            c.user = arena.string(message.user)
            c.card_serial = arena.string(message.cardSerial)
            c.action = arena.string(message.action)
            c.since_unix_ms = message.sinceUnixMilliseconds
            c.until_unix_ms = message.untilUnixMilliseconds
            c.oldest_first = message.oldestFirst ? 1 : 0
            c.page_size = message.pageSize
            c.page_token = arena.string(message.pageToken)
            c.after_sequence = message.afterSequence
            c.wait_ms = message.waitMilliseconds
        }
    )
}

public struct ListAuditEventsResponse: WireMessage {
    public var events: [AuditEventRecord]
    /// Empty on the last page.
    public var nextPageToken: String
    /// The sequence of the last event recorded.
    public var lastSequence: UInt64

    public init(events: [AuditEventRecord], nextPageToken: String, lastSequence: UInt64) {
        self.events = events
        self.nextPageToken = nextPageToken
        self.lastSequence = lastSequence
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_audit_events_response__init,
        unpack: unblock__v1__list_audit_events_response__unpack,
        free: unblock__v1__list_audit_events_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                events: try CReader.messages(c.n_events, c.events),
                nextPageToken: try CReader.string(c.next_page_token, field: "ListAuditEventsResponse.next_page_token"),
                lastSequence: c.last_sequence)
        },
        write: { message, c, arena in
            c.n_events = message.events.count
            c.events = arena.messages(message.events, as: Unblock__V1__AuditEventRecord.self)
            c.next_page_token = arena.string(message.nextPageToken)
            c.last_sequence = message.lastSequence
        }
    )
}
