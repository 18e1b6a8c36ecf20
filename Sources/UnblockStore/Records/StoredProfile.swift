// A card profile and an audit event as stored on disk.
import CUnblockProtos
import UnblockCore
import UnblockProtobufBridge

struct StoredProcessSetting: WireMessage {
    var state: SmartCard.State
    var process: SelfServiceProcess

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__process_setting__init,
        unpack: unblock__store__v1__process_setting__unpack,
        free: unblock__store__v1__process_setting__free_unpacked,
        read: { c throws(WireError) in
            Self(
                state: try CReader.enumeration(c.card_state, field: "ProcessSetting.card_state"),
                process: try CReader.enumeration(c.process, field: "ProcessSetting.process")
            )
        },
        write: { message, c, _ in
            c.card_state = message.state.rawValue
            c.process = message.process.rawValue
        }
    )
}

struct StoredProfile: WireMessage {
    var value: CardProfile

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__profile__init,
        unpack: unblock__store__v1__profile__unpack,
        free: unblock__store__v1__profile__free_unpacked,
        read: { c throws(WireError) in
            let settings: [StoredProcessSetting] = try CReader.messages(c.n_enabled, c.enabled)
            var profile = CardProfile(name: try CReader.string(c.name, field: "Profile.name"))
            for setting in settings { profile.set(setting.process, enabled: true, for: setting.state) }
            return Self(value: profile)
        },
        write: { message, c, arena in
            let settings = SmartCard.State.allCases.flatMap { state in
                message.value.enabledProcesses(for: state).map { StoredProcessSetting(state: state, process: $0) }
            }
            c.name = arena.string(message.value.name)
            c.n_enabled = settings.count
            c.enabled = arena.messages(settings, as: Unblock__Store__V1__ProcessSetting.self)
        }
    )
}

struct StoredAuditEvent: WireMessage {
    var value: AuditEvent

    static let wireType = WireType<Self>(
        initialize: unblock__store__v1__audit_event__init,
        unpack: unblock__store__v1__audit_event__unpack,
        free: unblock__store__v1__audit_event__free_unpacked,
        read: { c throws(WireError) in
            Self(
                value: AuditEvent(
                    sequence: try StoredRange.identifier(c.sequence, field: "AuditEvent.sequence"),
                    at: try StoredRange.timestamp(c.at_ms, field: "AuditEvent.at_ms"),
                    actor: try CReader.string(c.actor, field: "AuditEvent.actor"),
                    action: try CReader.string(c.action, field: "AuditEvent.action"),
                    target: try CReader.string(c.target, field: "AuditEvent.target"),
                    outcome: try CReader.string(c.outcome, field: "AuditEvent.outcome"),
                    detail: try CReader.string(c.detail, field: "AuditEvent.detail")
                )
            )
        },
        write: { message, c, arena in
            let event = message.value
            c.sequence = event.sequence
            c.at_ms = event.at.milliseconds
            c.actor = arena.string(event.actor)
            c.action = arena.string(event.action)
            c.target = arena.string(event.target)
            c.outcome = arena.string(event.outcome)
            c.detail = arena.string(event.detail)
        }
    )
}
