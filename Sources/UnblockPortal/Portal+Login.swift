// Logging in and out: one message for every refused login, the unblockd session behind a cookie.
import Foundation
import Hummingbird
import UnblockClient
import UnblockWire

extension Portal {
    /// The login form, with a token (also in a cookie) that the post must send back, and a
    /// field for the one-time code when unblockd's policy asks for codes.
    func loginPage(_ text: Catalogue, message: String?) async -> Response {
        let csrf = BrowserSessions.randomToken()
        let policy = await secondFactorPolicy.current(client)
        let codeField =
            policy.asksForCodes
            ? """
            <label for="one_time_code">\(HTML.escape(text[.loginOneTimeCode]))</label>
            <input id="one_time_code" name="one_time_code" autocomplete="one-time-code" inputmode="numeric" \
            pattern="[0-9 ]*"\(policy == .required ? " required" : "")>
            \(policy == .optional ? "<p class=\"hint\">\(HTML.escape(text[.loginOneTimeCodeHint]))</p>" : "")
            """ : ""
        let body = """
            \(message.map(HTML.message) ?? "")
            <p>\(HTML.escape(text[.loginIntro]))</p>
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label for="username">\(HTML.escape(text[.loginUsername]))</label>
            <input id="username" name="username" autocomplete="username" autocapitalize="none" required autofocus>
            <label for="password">\(HTML.escape(text[.loginPassword]))</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            \(codeField)
            <button type="submit">\(HTML.escape(text[.loginSubmit]))</button>
            </form>
            """
        var response = Self.html(text, HTML.page(title: text[.loginTitle], text: text, body: body))
        response.setCookie(cookie(Self.loginCookie, csrf, maxAge: 3_600))
        return response
    }

    func logIn(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let text = text(request)
        let fields = await form(request)
        guard let csrf = fields["csrf"], !csrf.isEmpty, csrf == request.cookies[Self.loginCookie]?.value else {
            return Self.forbidden(text)
        }
        let username = fields["username"] ?? ""
        let password = fields["password"] ?? ""
        let login: AuthenticateResponse
        do {
            login = try await client.call(
                SelfService.Authenticate.self,
                AuthenticateRequest(username: username, password: password, oneTimeCode: fields["one_time_code"] ?? ""),
                sessionToken: "", clientInfo: context.clientInfo)
        } catch let error as UnblockClientError {
            // unblockd says only "invalid username or password", whatever the cause: so does the page.
            switch error.code {
            case .unauthenticated:
                let policy = await secondFactorPolicy.current(client)
                let withCode = policy.asksForCodes
                return await loginPage(text, message: text[withCode ? .loginRefusedWithCode : .loginRefused])
            case .resourceExhausted: return await loginPage(text, message: text[.loginBusy])
            default:
                logger.warning("login failed", metadata: ["status": "\(error.code)"])
                return await loginPage(text, message: text[.serviceUnavailable])
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
                idleTimeout: Double(login.idleTimeoutSeconds), lastUsed: now,
                enrollmentOnly: login.secondFactorEnrollmentRequired))
        var response = Response.redirect(to: login.secondFactorEnrollmentRequired ? "/second-factor" : "/cards")
        response.setCookie(cookie(Self.sessionCookie, cookieValue))
        return response
    }

    func logOut(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        if let (cookieValue, session) = session(of: request) {
            guard (await form(request))["csrf"] == session.csrf else { return Self.forbidden(text(request)) }
            _ = try? await call(SelfService.Logout.self, LogoutRequest(), session, context)
            sessions.remove(cookieValue)
        }
        var response = Response.redirect(to: "/login")
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }
}
