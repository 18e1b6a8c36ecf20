// Card profiles and the self-service processes an administrator enables on them.

/// A use case a card holder can start on a card.
public enum SelfServiceProcess: UInt32, Sendable, CaseIterable {
    /// Answer the challenge Windows shows for a blocked PIN.
    case unblockPinOffline = 1

    /// The reference product's symbolic name.
    public var symbolicName: String {
        switch self {
        case .unblockPinOffline: "CardsSelfServiceProcUnblockPINOffline"
        }
    }

    /// The name used in directory files and on the command line.
    public var name: String {
        switch self {
        case .unblockPinOffline: "unblock-pin-offline"
        }
    }

    /// The card states in which the process may run at all.
    public var allowedStates: Set<SmartCard.State> {
        switch self {
        case .unblockPinOffline: [.active]
        }
    }

    /// Parses the command-line name or the symbolic name.
    public init?(name: String) {
        guard let process = Self.allCases.first(where: { $0.name == name || $0.symbolicName == name }) else {
            return nil
        }
        self = process
    }
}

/// The template a card was issued from; processes are enabled per profile and card state.
public struct CardProfile: Equatable, Sendable {
    public let name: String
    /// Enabled processes per card state; every process is disabled by default.
    public var enabled: [SmartCard.State: Set<SelfServiceProcess>]

    public init(name: String, enabled: [SmartCard.State: Set<SelfServiceProcess>] = [:]) {
        self.name = name
        self.enabled = enabled.filter { !$0.value.isEmpty }
    }

    /// The processes enabled for cards in `state`, in a stable order.
    public func enabledProcesses(for state: SmartCard.State) -> [SelfServiceProcess] {
        (enabled[state] ?? []).sorted { $0.rawValue < $1.rawValue }
    }

    /// Whether `process` is enabled for cards in `state`.
    public func isEnabled(_ process: SelfServiceProcess, for state: SmartCard.State) -> Bool {
        enabled[state]?.contains(process) ?? false
    }

    /// Enables or disables `process` for `state`; returns whether anything changed.
    @discardableResult
    public mutating func set(_ process: SelfServiceProcess, enabled isEnabled: Bool, for state: SmartCard.State) -> Bool
    {
        var processes = enabled[state] ?? []
        let changed = isEnabled ? processes.insert(process).inserted : processes.remove(process) != nil
        enabled[state] = processes.isEmpty ? nil : processes
        return changed
    }
}

extension CardProfile {
    /// Whether `name` can name a profile: 1 to 200 characters, no control characters.
    public static func isValidName(_ name: String) -> Bool {
        (1...200).contains(name.count) && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// What `isValidName` asks, in words.
    public static let nameRule = "a profile name has 1 to 200 characters and no control characters"
}
