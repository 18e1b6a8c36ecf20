// The help desk's and administrators' page: processes per profile, unlock a user, reset a card's limit, the audit trail.
import Foundation
import Hummingbird
import UnblockClient
import UnblockWire

extension Portal {
    /// The staff page; a card holder without the helpdesk or admin role is refused.
    func adminPage(_ request: Request, message: String? = nil) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        guard session.isStaff else { return Self.notStaff }
        let profiles =
            (try? await client.call(Admin.ListProfiles.self, ListProfilesRequest(), sessionToken: session.token))?
            .profiles ?? []
        let csrf = HTML.escape(session.csrf)
        let profileRows = profiles.map { profile -> String in
            let enabled = profile.enabled.contains { $0.cardState == .active && $0.process == .unblockPinOffline }
            return """
                <tr><td>\(HTML.escape(profile.name))</td><td>\(enabled ? "enabled" : "disabled")</td><td>\
                <form method="post" action="/admin/process"><input type="hidden" name="csrf" value="\(csrf)">\
                <input type="hidden" name="profile" value="\(HTML.escape(profile.name))">\
                <input type="hidden" name="enable" value="\(enabled ? "no" : "yes")">\
                <button type="submit">\(enabled ? "Disable" : "Enable")</button></form></td></tr>
                """
        }
        let query = Self.queryItems(request)
        let filter = ListAuditEventsRequest(
            user: query["user"] ?? "", cardSerial: query["card"] ?? "", action: query["type"] ?? "", pageSize: 50)
        let events =
            (try? await client.call(Admin.ListAuditEvents.self, filter, sessionToken: session.token))?.events ?? []
        let eventRows = events.map { event in
            let time = Date(timeIntervalSince1970: Double(event.atUnixMilliseconds) / 1_000).formatted(.iso8601)
            return "<tr><td>\(time)</td><td>\(HTML.escape(event.actor))</td><td>\(HTML.escape(event.action))</td>"
                + "<td>\(HTML.escape(event.target))</td><td>\(HTML.escape(event.outcome))</td></tr>"
        }
        let body = """
            \(message.map(HTML.message) ?? "")
            <h2>Unblock PIN offline, per card profile (active cards)</h2>
            <table><thead><tr><th>Profile</th><th>Unblock PIN offline</th><th></th></tr></thead>
            <tbody>\(profileRows.joined())</tbody></table>
            <h2>Unlock a user</h2>
            <form method="post" action="/admin/unlock"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="unlock-user">Username</label><input id="unlock-user" name="username" required>
            <button type="submit">Unlock</button></form>
            <h2>Reset a card's daily responses</h2>
            <form method="post" action="/admin/reset-limit"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="reset-serial">Card serial</label><input id="reset-serial" name="serial" required>
            <button type="submit">Reset</button></form>
            <h2>Audit trail</h2>
            <form method="get" action="/admin">
            <label for="audit-user">User</label><input id="audit-user" name="user" value="\(HTML.escape(filter.user))">
            <label for="audit-card">Card serial</label><input id="audit-card" name="card" value="\(HTML.escape(filter.cardSerial))">
            <label for="audit-type">Event type</label><input id="audit-type" name="type" value="\(HTML.escape(filter.action))">
            <button type="submit">Show</button></form>
            <table><thead><tr><th>Time (UTC)</th><th>Actor</th><th>Event</th><th>Target</th><th>Outcome</th></tr></thead>
            <tbody>\(eventRows.joined())</tbody></table>
            """
        return Self.html(
            HTML.page(title: "Help desk", signedInAs: session.displayName, csrf: session.csrf, body: body))
    }

    /// The changes the staff page offers.
    enum StaffAction {
        case unlock, resetLimit, switchProcess
    }

    /// A staff form's post: its change, then the staff page with what happened.
    func adminAction(_ request: Request, _ action: StaffAction) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        guard session.isStaff else { return Self.notStaff }
        let fields = await form(request)
        guard fields["csrf"] == session.csrf else { return Self.forbidden }
        let message: String
        do {
            switch action {
            case .unlock:
                let username = fields["username"] ?? ""
                let result = try await client.call(
                    Admin.UnlockUser.self, UnlockUserRequest(username: username), sessionToken: session.token)
                message = result.changed ? "\(username) is unlocked." : "\(username) was not locked."
            case .resetLimit:
                let serial = fields["serial"] ?? ""
                let result = try await client.call(
                    Admin.ResetResponseLimit.self, ResetResponseLimitRequest(serial: serial),
                    sessionToken: session.token)
                message =
                    result.changed
                    ? "Card \(serial) may have \(result.card.responseLimit) responses again."
                    : "Card \(serial) had no response counting toward its limit."
            case .switchProcess:
                let profile = fields["profile"] ?? ""
                let enable = fields["enable"] == "yes"
                if enable {
                    _ = try await client.call(
                        SelfService.EnableProcess.self, EnableProcessRequest(profile: profile),
                        sessionToken: session.token)
                } else {
                    _ = try await client.call(
                        SelfService.DisableProcess.self, DisableProcessRequest(profile: profile),
                        sessionToken: session.token)
                }
                message = "Unblock PIN offline is \(enable ? "enabled" : "disabled") for \(profile)."
            }
        } catch let error as UnblockClientError {
            message =
                error.code == .permissionDenied
                ? "Only an administrator may do this."
                : error.message.prefix(1).uppercased() + error.message.dropFirst()
        }
        return try await adminPage(request, message: message)
    }

    static let notStaff = html(
        HTML.page(title: "Not for this account", body: HTML.message("This page is for the help desk.")),
        status: .forbidden)

    /// The query string's fields that have a value.
    static func queryItems(_ request: Request) -> [String: String] {
        fields(urlEncoded: request.uri.query ?? "").filter { !$0.value.isEmpty }
    }
}
