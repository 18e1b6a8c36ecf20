// The portal: its pages, over one UnblockClient shared by every browser session.
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import UnblockClient
import UnblockWire

/// The card holder's pages: log in, my cards, unblock PIN offline, log out.
public struct Portal: Sendable {
    public struct Configuration: Sendable {
        /// The unblockd to use.
        public var server: UnblockWire.BindAddress
        /// Cookies with `Secure` (the portal is served over TLS, here or by a proxy in front).
        public var secureCookies = false
        /// Browser sessions kept at once.
        public var maximumSessions = 10_000

        public init(server: UnblockWire.BindAddress) { self.server = server }
    }

    static let sessionCookie = "unblock_session"
    static let loginCookie = "unblock_login"
    /// The largest form a browser may post.
    static let maximumFormBytes = 8_192

    let configuration: Configuration
    let client: UnblockClient
    let sessions: BrowserSessions
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.client = UnblockClient(target: configuration.server, defaultTimeout: .seconds(30))
        self.sessions = BrowserSessions(maximum: configuration.maximumSessions)
        self.logger = logger
    }

    /// The router serving every page, with the security headers on every answer.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("/") { request, _ in
            session(of: request) == nil ? Response.redirect(to: "/login") : Response.redirect(to: "/cards")
        }
        router.get("/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: HTML.style)))
        }
        router.get("/login") { _, _ in loginPage(message: nil) }
        router.post("/login") { request, _ in try await logIn(request) }
        router.get("/cards") { request, _ in try await cardsPage(request) }
        router.get("/cards/{serial}/unblock") { request, context in
            try await unblockPage(request, serial: try context.parameters.require("serial"), message: nil)
        }
        router.post("/cards/{serial}/unblock") { request, context in
            try await unblock(request, serial: try context.parameters.require("serial"))
        }
        router.post("/logout") { request, _ in try await logOut(request) }
        router.get("/admin") { request, _ in try await adminPage(request) }
        router.post("/admin/unlock") { request, _ in try await adminAction(request, .unlock) }
        router.post("/admin/reset-limit") { request, _ in try await adminAction(request, .resetLimit) }
        router.post("/admin/process") { request, _ in try await adminAction(request, .switchProcess) }
        return router
    }

    // MARK: Sessions and forms

    func session(of request: Request) -> (cookie: String, session: BrowserSession)? {
        guard let cookie = request.cookies[Self.sessionCookie]?.value, let session = sessions.session(for: cookie)
        else { return nil }
        return (cookie, session)
    }

    /// The posted form's fields; an oversized or unreadable body is an empty form.
    func form(_ request: Request) async -> [String: String] {
        guard let body = try? await request.body.collect(upTo: Self.maximumFormBytes) else { return [:] }
        return Self.fields(urlEncoded: String(buffer: body))
    }

    /// `name=value&...` as a form or a query string sends it, decoded.
    static func fields(urlEncoded text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies,
            httpOnly: true, sameSite: .strict)
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// A form post whose CSRF token is not the session's is refused, changing nothing.
    static let forbidden = html(
        HTML.page(title: "This form has expired", body: HTML.message("Go back, reload the page and try again.")),
        status: .forbidden)
}

/// The headers every answer carries: no script but the portal's own, no framing, no
/// sniffing, no referrer, and nothing kept in a cache (pages show personal data).
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
