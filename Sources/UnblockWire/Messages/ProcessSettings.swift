// EnableProcess and DisableProcess: an administrator switches a process on a card profile.
import CUnblockProtos
import UnblockProtobufBridge

/// Enables a process on a card profile for cards in one state (administrators only).
public struct EnableProcessRequest: WireMessage {
    public var profile: String
    public var cardState: CardState
    public var process: CardProcess

    public init(profile: String, cardState: CardState = .active, process: CardProcess = .unblockPinOffline) {
        self.profile = profile
        self.cardState = cardState
        self.process = process
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__enable_process_request__init,
        unpack: unblock__v1__enable_process_request__unpack,
        free: unblock__v1__enable_process_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                profile: try CReader.string(c.profile, field: "EnableProcessRequest.profile"),
                cardState: try CReader.enumeration(c.card_state.rawValue, field: "EnableProcessRequest.card_state"),
                process: try CReader.enumeration(c.process.rawValue, field: "EnableProcessRequest.process")
            )
        },
        write: { message, c, arena in
            c.profile = arena.string(message.profile)
            c.card_state = Unblock__V1__CardState(rawValue: message.cardState.rawValue)
            c.process = Unblock__V1__Process(rawValue: message.process.rawValue)
        }
    )
}

/// What EnableProcess changed, and the processes enabled afterwards.
public struct EnableProcessResponse: WireMessage {
    /// False when the process was already enabled (the call is idempotent).
    public var changed: Bool
    public var enabledProcesses: [CardProcess]

    public init(changed: Bool, enabledProcesses: [CardProcess]) {
        self.changed = changed
        self.enabledProcesses = enabledProcesses
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__enable_process_response__init,
        unpack: unblock__v1__enable_process_response__unpack,
        free: unblock__v1__enable_process_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                changed: c.changed != 0,
                enabledProcesses: try CReader.enumerations(
                    c.n_enabled_processes,
                    c.enabled_processes,
                    field: "EnableProcessResponse.enabled_processes"
                )
            )
        },
        write: { message, c, arena in
            c.changed = message.changed ? 1 : 0
            c.n_enabled_processes = message.enabledProcesses.count
            c.enabled_processes = arena.enumerations(message.enabledProcesses, as: Unblock__V1__Process.self)
        }
    )
}

/// Disables a process on a card profile for cards in one state (administrators only).
public struct DisableProcessRequest: WireMessage {
    public var profile: String
    public var cardState: CardState
    public var process: CardProcess

    public init(profile: String, cardState: CardState = .active, process: CardProcess = .unblockPinOffline) {
        self.profile = profile
        self.cardState = cardState
        self.process = process
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__disable_process_request__init,
        unpack: unblock__v1__disable_process_request__unpack,
        free: unblock__v1__disable_process_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                profile: try CReader.string(c.profile, field: "DisableProcessRequest.profile"),
                cardState: try CReader.enumeration(c.card_state.rawValue, field: "DisableProcessRequest.card_state"),
                process: try CReader.enumeration(c.process.rawValue, field: "DisableProcessRequest.process")
            )
        },
        write: { message, c, arena in
            c.profile = arena.string(message.profile)
            c.card_state = Unblock__V1__CardState(rawValue: message.cardState.rawValue)
            c.process = Unblock__V1__Process(rawValue: message.process.rawValue)
        }
    )
}

/// What DisableProcess changed, and the processes still enabled afterwards.
public struct DisableProcessResponse: WireMessage {
    /// False when the process was already disabled (the call is idempotent).
    public var changed: Bool
    public var enabledProcesses: [CardProcess]

    public init(changed: Bool, enabledProcesses: [CardProcess]) {
        self.changed = changed
        self.enabledProcesses = enabledProcesses
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__disable_process_response__init,
        unpack: unblock__v1__disable_process_response__unpack,
        free: unblock__v1__disable_process_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                changed: c.changed != 0,
                enabledProcesses: try CReader.enumerations(
                    c.n_enabled_processes,
                    c.enabled_processes,
                    field: "DisableProcessResponse.enabled_processes"
                )
            )
        },
        write: { message, c, arena in
            c.changed = message.changed ? 1 : 0
            c.n_enabled_processes = message.enabledProcesses.count
            c.enabled_processes = arena.enumerations(message.enabledProcesses, as: Unblock__V1__Process.self)
        }
    )
}
