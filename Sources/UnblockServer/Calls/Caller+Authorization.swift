// The role table applied to a call's caller, and the lookups every service shares, as RPC errors.
import UnblockCore

extension Caller {
    /// PERMISSION_DENIED unless the caller's roles allow `action` (the role table of docs/PROTOCOL.md).
    func require(_ action: AdminAction) throws {
        guard AdminRules.may(account, action) else {
            throw RPCError(
                .permissionDenied,
                action == .administer ? "this needs the admin role" : "this needs the helpdesk or admin role")
        }
    }
}

extension DirectoryView {
    /// The user named `username`; NOT_FOUND when there is none.
    func existingUser(named username: String) throws -> Account {
        guard let account = account(username: username) else {
            throw RPCError(.notFound, "no user named \"\(username.prefix(64))\"")
        }
        return account
    }

    /// The card with serial `serial`; NOT_FOUND when there is none.
    func existingCard(serial: String) throws -> SmartCard {
        guard let card = card(serial: serial) else {
            throw RPCError(.notFound, "no card with serial \"\(serial.prefix(64))\"")
        }
        return card
    }
}
