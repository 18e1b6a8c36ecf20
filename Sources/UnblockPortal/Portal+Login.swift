// Logging in and out: one message for every refused login, the unblockd session behind a cookie.
import Foundation
import Hummingbird
import UnblockClient
import UnblockWire

extension Portal {
    /// The login form, with a token (also in a cookie) that the post must send back.
    func loginPage(message: String?) -> Response {
        let csrf = BrowserSessions.randomToken()
        let body = """
            \(message.map(HTML.message) ?? "")
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label for="username">Username</label>
            <input id="username" name="username" autocomplete="username" required autofocus>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Log in</button>
            </form>
            """
        var response = Self.html(HTML.page(title: "Log in", body: body))
        response.setCookie(cookie(Self.loginCookie, csrf, maxAge: 3_600))
        return response
    }

    func logIn(_ request: Request) async throws -> Response {
        let fields = await form(request)
        guard let csrf = fields["csrf"], !csrf.isEmpty, csrf == request.cookies[Self.loginCookie]?.value else {
            return Self.forbidden
        }
        let username = fields["username"] ?? ""
        let password = fields["password"] ?? ""
        let login: AuthenticateResponse
        do {
            login = try await client.call(
                SelfService.Authenticate.self, AuthenticateRequest(username: username, password: password),
                sessionToken: "")
        } catch let error as UnblockClientError {
            switch error.code {
            case .unauthenticated: return loginPage(message: "Wrong username or password, or this account is locked.")
            case .resourceExhausted: return loginPage(message: "Too many logins right now; try again in a minute.")
            default:
                logger.warning("login failed", metadata: ["status": "\(error.code)"])
                return loginPage(message: "The service cannot be reached; try again later.")
            }
        }
        let roles = login.user?.roles ?? []
        let now = Date.now
        let cookieValue = sessions.create(
            BrowserSession(
                token: login.sessionToken, csrf: BrowserSessions.randomToken(),
                displayName: login.user?.displayName ?? username,
                isStaff: roles.contains(.helpdesk) || roles.contains(.admin),
                expiresAt: Date(timeIntervalSince1970: Double(login.expiresAtUnixMilliseconds) / 1_000),
                idleTimeout: Double(login.idleTimeoutSeconds), lastUsed: now))
        var response = Response.redirect(to: "/cards")
        response.setCookie(cookie(Self.sessionCookie, cookieValue))
        return response
    }

    func logOut(_ request: Request) async throws -> Response {
        if let (cookieValue, session) = session(of: request) {
            guard (await form(request))["csrf"] == session.csrf else { return Self.forbidden }
            _ = try? await client.call(SelfService.Logout.self, LogoutRequest(), sessionToken: session.token)
            sessions.remove(cookieValue)
        }
        var response = Response.redirect(to: "/login")
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }
}
