// Who may do what in administration: the role table of docs/PROTOCOL.md, as one function.

/// An administrative action, as the role table names it.
public enum AdminAction: Sendable, CaseIterable {
    /// List and show users and cards.
    case readDirectory
    /// Lift a user's lockout.
    case unlockUser
    /// Suspend a card.
    case suspendCard
    /// Reset a card's daily response limit.
    case resetResponseLimit
    /// Read the audit trail.
    case readAudit
    /// Everything else: users, roles, passwords, profiles and their processes, cards and keys, imports.
    case administer
}

/// The least-privilege rules of administration, as pure functions.
public enum AdminRules {
    /// Whether `caller` may take `action`: administrators may take every action, the help
    /// desk all but `administer`; only active accounts take any.
    public static func may(_ caller: Account, _ action: AdminAction) -> Bool {
        guard caller.isActive else { return false }
        if caller.roles.contains(.admin) { return true }
        return caller.roles.contains(.helpdesk) && action != .administer
    }
}
