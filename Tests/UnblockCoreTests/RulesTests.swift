// The domain rules, table-driven over account state x card state x process enabled x role.
import Testing
import UnblockCore

struct RuleCase: Sendable, CustomStringConvertible {
    let accountState: Account.State
    let cardState: SmartCard.State
    let enabled: Bool
    let roles: Roles
    let ownsCard: Bool
    var description: String {
        let names: [(Roles, String)] = [(.selfService, "self-service"), (.helpdesk, "helpdesk"), (.admin, "admin")]
        let role = roles.isEmpty ? "no-role" : names.filter { roles.contains($0.0) }.map(\.1).joined(separator: "+")
        return
            "\(accountState) \(role) \(ownsCard ? "owner" : "other") card \(cardState) \(enabled ? "enabled" : "disabled")"
    }

    static let all: [RuleCase] = Account.State.allCases.flatMap { accountState in
        SmartCard.State.allCases.flatMap { cardState in
            [true, false].flatMap { enabled in
                [Roles.selfService, [.selfService, .admin], .admin, .helpdesk, [.selfService, .helpdesk], []].flatMap {
                    roles in
                    [true, false].map { owns in
                        RuleCase(
                            accountState: accountState, cardState: cardState, enabled: enabled, roles: roles,
                            ownsCard: owns)
                    }
                }
            }
        }
    }
}

@Suite struct RulesTests {
    @Test(arguments: RuleCase.all)
    func everyCombination(_ rule: RuleCase) {
        let caller = Fixtures.account(1, "alice", state: rule.accountState, roles: rule.roles)
        let other = Fixtures.account(2, "bob")
        let owner = rule.ownsCard ? caller : other
        let card = Fixtures.card(7, owner: owner.id.rawValue, state: rule.cardState)
        // Enabled for every state in which the process may run, or for none.
        let profile = Fixtures.profile(enabledFor: rule.enabled ? [.active] : [])
        let active = rule.accountState == .active
        let admin = active && rule.roles.contains(.admin)
        let helpdesk = active && rule.roles.contains(.helpdesk)

        for action in AdminAction.allCases {
            #expect(AdminRules.may(caller, action) == (admin || (helpdesk && action != .administer)), "\(action)")
        }
        #expect(CardRules.mayListCards(of: owner, caller: caller) == (active && (rule.ownsCard || admin || helpdesk)))
        let selfService = rule.roles.contains(.selfService)
        #expect(CardRules.mayUseCard(card, caller: caller) == (active && selfService && rule.ownsCard))

        let actions = CardRules.possibleActions(card: card, owner: owner, profile: profile)
        let ownerMayUse = owner.isActive && owner.roles.contains(.selfService)
        #expect(actions == (ownerMayUse && rule.cardState == .active && rule.enabled ? [.unblockPinOffline] : []))

        let refusal = UnblockPolicy.defaults.checkAccess(caller: caller, card: card, profile: profile)
        let expected: UnblockRefusal? =
            if !(active && selfService && rule.ownsCard) {
                .notFound  // admins without the self-service role too: the unblock is for the card's owner only
            } else if rule.cardState != .active {
                .cardNotActive(rule.cardState)
            } else if !rule.enabled {
                .processNotEnabled(profile: "Employee Card")
            } else {
                nil
            }
        #expect(refusal == expected)
    }

    @Test func missingCardAndMissingProfile() {
        let caller = Fixtures.account(1, "alice")
        #expect(UnblockPolicy.defaults.checkAccess(caller: caller, card: nil, profile: nil) == .notFound)
        let card = Fixtures.card(1, owner: 1)
        #expect(
            UnblockPolicy.defaults.checkAccess(caller: caller, card: card, profile: nil)
                == .processNotEnabled(profile: "Employee Card"))
        #expect(CardRules.possibleActions(card: card, owner: caller, profile: nil).isEmpty)
    }

    @Test func processesRunOnlyInTheStatesTheyAllow() {
        #expect(CardRules.cannotEnable(.unblockPinOffline, for: .active) == nil)
        for state in [SmartCard.State.suspended, .revoked, .retired] {
            #expect(CardRules.cannotEnable(.unblockPinOffline, for: state)?.contains("active") == true)
        }
    }

    @Test func profilesStartWithEverythingDisabledAndToggleIdempotently() {
        var profile = CardProfile(name: "Employee Card")
        #expect(profile.enabledProcesses(for: .active).isEmpty)
        let changes = [
            profile.set(.unblockPinOffline, enabled: true, for: .active),
            profile.set(.unblockPinOffline, enabled: true, for: .active),
        ]
        #expect(changes == [true, false])
        #expect(profile.isEnabled(.unblockPinOffline, for: .active))
        let disables = [
            profile.set(.unblockPinOffline, enabled: false, for: .active),
            profile.set(.unblockPinOffline, enabled: false, for: .active),
        ]
        #expect(disables == [true, false])
        #expect(profile.enabled.isEmpty)
    }

    @Test func processNamesParse() {
        #expect(SelfServiceProcess(name: "unblock-pin-offline") == .unblockPinOffline)
        #expect(SelfServiceProcess(name: "CardsSelfServiceProcUnblockPINOffline") == .unblockPinOffline)
        #expect(SelfServiceProcess(name: "reset") == nil)
    }

    @Test func cardIDsPrintAndParse() {
        #expect(CardID(42).description == "c-000042")
        #expect(CardID(1_234_567).description == "c-1234567")
        #expect(CardID(1).description == "c-000001" && CardID(999_999).description == "c-999999")
        #expect(CardID(UInt64.max).description == "c-\(UInt64.max)")
        for value in [0, 7, 10, 100_000, 1_000_000, 31_415_926] as [UInt64] {
            #expect(CardID(CardID(value).description) == (value == 0 ? nil : CardID(value)))
        }
        #expect(CardID("c-000042") == CardID(42))
        #expect(CardID("42") == nil && CardID("c-0") == nil && CardID("c-x") == nil)
    }
}
