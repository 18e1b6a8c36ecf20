// The help desk's and administrators' page: processes per profile, unlock a user, reset a card's limit, the audit trail.
import Foundation
import Hummingbird
import UnblockClient
import UnblockWire

extension Portal {
    /// The staff page; a card holder without the helpdesk or admin role is refused.
    func adminPage(_ request: Request, _ context: PortalRequestContext, message: String? = nil) async throws
        -> Response
    {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let text = text(request)
        guard session.isStaff else {
            return Self.notice(text, .pageNotStaffTitle, .pageNotStaffText, status: .forbidden)
        }
        let profiles =
            (try? await call(Admin.ListProfiles.self, ListProfilesRequest(), session, context))?.profiles ?? []
        let csrf = HTML.escape(session.csrf)
        let profileRows = profiles.map { profile -> String in
            let enabled = profile.enabled.contains { $0.cardState == .active && $0.process == .unblockPinOffline }
            return """
                <tr><td>\(HTML.escape(profile.name))</td><td>\(HTML.escape(text[enabled ? .adminEnabled : .adminDisabled]))</td><td>\
                <form method="post" action="/admin/process"><input type="hidden" name="csrf" value="\(csrf)">\
                <input type="hidden" name="profile" value="\(HTML.escape(profile.name))">\
                <input type="hidden" name="enable" value="\(enabled ? "no" : "yes")">\
                <button type="submit">\(HTML.escape(text[enabled ? .adminDisable : .adminEnable]))</button></form></td></tr>
                """
        }
        let query = Self.queryItems(request)
        let filter = ListAuditEventsRequest(
            user: query["user"] ?? "", cardSerial: query["card"] ?? "", action: query["type"] ?? "", pageSize: 50)
        let events =
            (try? await call(Admin.ListAuditEvents.self, filter, session, context))?.events ?? []
        let eventRows = events.map { event in
            let time = Date(timeIntervalSince1970: Double(event.atUnixMilliseconds) / 1_000).formatted(.iso8601)
            return "<tr><td>\(time)</td><td>\(HTML.escape(event.actor))</td><td>\(HTML.escape(event.action))</td>"
                + "<td>\(HTML.escape(event.target))</td><td>\(HTML.escape(event.outcome))</td></tr>"
        }
        let t = { (key: Text) in HTML.escape(text[key]) }
        let body = """
            \(message.map(HTML.message) ?? "")
            <h2>\(t(.adminProcesses))</h2>
            <table><thead><tr><th>\(t(.adminProfile))</th><th>\(t(.cardsUnblock))</th><th></th></tr></thead>
            <tbody>\(profileRows.joined())</tbody></table>
            <h2>\(t(.adminUnlockTitle))</h2>
            <form method="post" action="/admin/unlock"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="unlock-user">\(t(.adminUsername))</label><input id="unlock-user" name="username" required>
            <button type="submit">\(t(.adminUnlock))</button></form>
            <h2>\(t(.adminResetTitle))</h2>
            <form method="post" action="/admin/reset-limit"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="reset-serial">\(t(.adminSerial))</label><input id="reset-serial" name="serial" required>
            <button type="submit">\(t(.adminReset))</button></form>
            <h2>\(t(.adminAuditTitle))</h2>
            <form method="get" action="/admin">
            <label for="audit-user">\(t(.adminAuditUser))</label><input id="audit-user" name="user" value="\(HTML.escape(filter.user))">
            <label for="audit-card">\(t(.adminAuditCard))</label><input id="audit-card" name="card" value="\(HTML.escape(filter.cardSerial))">
            <label for="audit-type">\(t(.adminAuditType))</label><input id="audit-type" name="type" value="\(HTML.escape(filter.action))">
            <button type="submit">\(t(.adminShow))</button></form>
            <table><thead><tr><th>\(t(.adminTime))</th><th>\(t(.adminActor))</th><th>\(t(.adminEvent))</th>\
            <th>\(t(.adminTarget))</th><th>\(t(.adminOutcome))</th></tr></thead>
            <tbody>\(eventRows.joined())</tbody></table>
            """
        return Self.html(
            text,
            HTML.page(
                title: text[.adminTitle], text: text, signedInAs: session.displayName, csrf: session.csrf, body: body))
    }

    /// The changes the staff page offers.
    enum StaffAction {
        case unlock, resetLimit, switchProcess
    }

    /// A staff form's post: its change, then the staff page with what happened.
    func adminAction(_ request: Request, _ context: PortalRequestContext, _ action: StaffAction) async throws
        -> Response
    {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let text = text(request)
        guard session.isStaff else {
            return Self.notice(text, .pageNotStaffTitle, .pageNotStaffText, status: .forbidden)
        }
        let fields = await form(request)
        guard fields["csrf"] == session.csrf else { return Self.forbidden(text) }
        let username = fields["username"] ?? ""
        let serial = fields["serial"] ?? ""
        let profile = fields["profile"] ?? ""
        let message: String
        do {
            switch action {
            case .unlock:
                let result = try await call(
                    Admin.UnlockUser.self, UnlockUserRequest(username: username), session, context)
                message = text(result.changed ? .adminUnlocked : .adminNotLocked, ["user": username])
            case .resetLimit:
                let result = try await call(
                    Admin.ResetResponseLimit.self, ResetResponseLimitRequest(serial: serial), session, context)
                message =
                    result.changed
                    ? text(.adminLimitReset, ["serial": serial, "count": "\(result.card.responseLimit)"])
                    : text(.adminLimitUnused, ["serial": serial])
            case .switchProcess:
                let enable = fields["enable"] == "yes"
                if enable {
                    _ = try await call(
                        SelfService.EnableProcess.self, EnableProcessRequest(profile: profile), session, context)
                } else {
                    _ = try await call(
                        SelfService.DisableProcess.self, DisableProcessRequest(profile: profile), session, context)
                }
                message = text(enable ? .adminProcessEnabled : .adminProcessDisabled, ["profile": profile])
            }
        } catch let error as UnblockClientError {
            message =
                switch (error.code, action) {
                case (.permissionDenied, _): text[.adminAdminOnly]
                case (.notFound, .unlock): text(.adminNoSuchUser, ["user": username])
                case (.notFound, .resetLimit): text(.adminNoSuchCard, ["serial": serial])
                case (.notFound, .switchProcess): text(.adminNoSuchProfile, ["profile": profile])
                // Other refusals are unblockd's own words (in English): staff may need them as they are.
                default: error.message.prefix(1).uppercased() + error.message.dropFirst()
                }
        }
        return try await adminPage(request, context, message: message)
    }

    /// The query string's fields that have a value.
    static func queryItems(_ request: Request) -> [String: String] {
        fields(urlEncoded: request.uri.query ?? "").filter { !$0.value.isEmpty }
    }
}
