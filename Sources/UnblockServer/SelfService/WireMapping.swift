// Conversions between the domain's types and the wire contract's.
import UnblockCore
import UnblockCrypto
import UnblockWire

extension KeyAlgorithm {
    init(_ algorithm: AdminKeyAlgorithm) {
        switch algorithm {
        case .tripleDES: self = .tripleDES
        case .aes128: self = .aes128
        case .aes192: self = .aes192
        case .aes256: self = .aes256
        }
    }
}

extension CardState {
    init(_ state: SmartCard.State) {
        self = CardState(rawValue: state.rawValue) ?? .unspecified
    }
}

extension SmartCard.State {
    /// The domain state for a wire state; nil for `unspecified`.
    init?(_ state: CardState) {
        self.init(rawValue: state.rawValue)
    }
}

extension CardProcess {
    init(_ process: SelfServiceProcess) {
        self = CardProcess(rawValue: process.rawValue) ?? .unspecified
    }
}

extension SelfServiceProcess {
    /// The domain process for a wire process; nil for `unspecified`.
    init?(_ process: CardProcess) {
        self.init(rawValue: process.rawValue)
    }
}

extension User {
    init(_ account: Account) {
        var roles: [Role] = []
        if account.roles.contains(.selfService) { roles.append(.selfService) }
        if account.roles.contains(.helpdesk) { roles.append(.helpdesk) }
        if account.roles.contains(.admin) { roles.append(.admin) }
        self.init(
            username: account.username, displayName: account.displayName, roles: roles,
            state: account.isActive ? .active : .inactive)
    }
}

extension Card {
    init(_ card: SmartCard, owner: Account, profile: CardProfile?) {
        self.init(
            cardID: card.id.description, serial: card.serial, profile: card.profile, state: CardState(card.state),
            keyAlgorithm: KeyAlgorithm(card.key.algorithm), keyVersion: card.key.version,
            possibleActions: CardRules.possibleActions(card: card, owner: owner, profile: profile).map(
                CardProcess.init),
            owner: owner.username
        )
    }
}
