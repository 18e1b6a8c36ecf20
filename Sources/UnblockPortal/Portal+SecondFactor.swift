// Setting up an authenticator app: a QR code to scan, then the app's first code to confirm it.
import Foundation
import Hummingbird
import UnblockClient
import UnblockQRCode
import UnblockWire

extension Portal {
    /// Why and how, with the button that makes the secret (a POST: it changes the account).
    func secondFactorPage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let text = text(request)
        let body = """
            \(session.enrollmentOnly ? HTML.message(text[.secondFactorRequired]) : "")
            <p>\(HTML.escape(text[.secondFactorIntro]))</p>
            <form method="post" action="/second-factor/begin">
            <input type="hidden" name="csrf" value="\(HTML.escape(session.csrf))">
            <button type="submit">\(HTML.escape(text[.secondFactorShow]))</button>
            </form>
            """
        return page(text, .secondFactorTitle, session, body)
    }

    /// The new secret as a QR code (and its key, to type), and the form for the app's first code.
    func beginSecondFactor(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let text = text(request)
        guard (await form(request))["csrf"] == session.csrf else { return Self.forbidden(text) }
        let uri: String
        do {
            uri = try await client.call(
                SelfService.BeginSecondFactorEnrollment.self, BeginSecondFactorEnrollmentRequest(),
                sessionToken: session.token, clientInfo: context.clientInfo
            ).uri
        } catch let error as UnblockClientError where error.code == .unauthenticated {
            return Response.redirect(to: "/login")
        }
        let key = Self.keyGroups(of: uri)
        let body = """
            <p>\(HTML.escape(text[.secondFactorScan]))</p>
            <div class="qr">\(QRCode(uri)?.svg(title: HTML.escape(text[.secondFactorQr])) ?? "")</div>
            <p>\(HTML.escape(text[.secondFactorKey])): <code>\(HTML.escape(key))</code></p>
            \(confirmForm(text, session))
            """
        return page(text, .secondFactorTitle, session, body)
    }

    func confirmSecondFactor(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        guard let (cookieValue, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let text = text(request)
        let fields = await form(request)
        guard fields["csrf"] == session.csrf else { return Self.forbidden(text) }
        let logInAgain: Bool
        do {
            logInAgain = try await client.call(
                SelfService.ConfirmSecondFactorEnrollment.self,
                ConfirmSecondFactorEnrollmentRequest(oneTimeCode: fields["one_time_code"] ?? ""),
                sessionToken: session.token, clientInfo: context.clientInfo
            ).logInAgain
        } catch let error as UnblockClientError
            where error.code == .invalidArgument || error.code == .failedPrecondition
        {
            let body = """
                \(HTML.message(text[.secondFactorWrongCode]))
                \(confirmForm(text, session))
                <p><a href="/second-factor">\(HTML.escape(text[.secondFactorStartAgain]))</a></p>
                """
            return page(text, .secondFactorTitle, session, body)
        }
        guard logInAgain else {
            let body =
                "<p>\(HTML.escape(text[.secondFactorDone]))</p><a class=\"button\" href=\"/cards\">"
                + "\(HTML.escape(text[.responseDone]))</a>"
            return page(text, .secondFactorTitle, session, body)
        }
        // The session was for setting up the app only: it has ended, here as in unblockd.
        sessions.remove(cookieValue)
        var response = await loginPage(text, message: text[.secondFactorLogInAgain])
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    private func confirmForm(_ text: Catalogue, _ session: BrowserSession) -> String {
        """
        <form method="post" action="/second-factor/confirm">
        <input type="hidden" name="csrf" value="\(HTML.escape(session.csrf))">
        <label for="one_time_code">\(HTML.escape(text[.secondFactorCode]))</label>
        <input id="one_time_code" name="one_time_code" autocomplete="one-time-code" inputmode="numeric" required autofocus>
        <button type="submit">\(HTML.escape(text[.secondFactorConfirm]))</button>
        </form>
        """
    }

    private func page(_ text: Catalogue, _ title: Text, _ session: BrowserSession, _ body: String) -> Response {
        Self.html(
            text,
            HTML.page(title: text[title], text: text, signedInAs: session.displayName, csrf: session.csrf, body: body))
    }

    /// The URI's key in groups of four, for typing into an app that cannot scan.
    static func keyGroups(of uri: String) -> String {
        let key =
            uri.split(separator: "?").last?.split(separator: "&").first { $0.hasPrefix("secret=") }?.dropFirst(7) ?? ""
        return stride(from: 0, to: key.count, by: 4).map { String(key.dropFirst($0).prefix(4)) }.joined(separator: " ")
    }
}
