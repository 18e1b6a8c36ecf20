// Small builders for domain values used across the core tests.
import Foundation
import UnblockCore
import UnblockCrypto

enum Fixtures {
    static func account(_ id: UInt32, _ username: String, state: Account.State = .active, roles: Roles = .selfService)
        -> Account
    {
        Account(
            id: AccountID(id), username: username, displayName: username.capitalized, state: state, roles: roles,
            passwordHash: "$pbkdf2-sha256$i=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAA")
    }

    static func card(_ id: UInt64, owner: UInt32, state: SmartCard.State = .active, profile: String = "Employee Card")
        -> SmartCard
    {
        SmartCard(
            id: CardID(id), serial: String(format: "04782E218%05X", id), owner: AccountID(owner),
            profile: profile, state: state,
            key: AdminKeyRecord(algorithm: .tripleDES, source: .derived, version: 1, checkValue: [1, 2, 3]))
    }

    static func profile(enabledFor states: Set<SmartCard.State> = [.active]) -> CardProfile {
        var profile = CardProfile(name: "Employee Card")
        for state in states { profile.set(.unblockPinOffline, enabled: true, for: state) }
        return profile
    }
}
