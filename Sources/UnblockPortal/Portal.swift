// The portal: its pages, over one UnblockClient shared by every browser session.
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import UnblockClient
import UnblockTLS
import UnblockWire

/// The card holder's pages: log in, my cards, unblock PIN offline, log out.
public struct Portal: Sendable {
    public struct Configuration: Sendable {
        /// The unblockd to use: several nodes sharing a store, in order of preference.
        public var servers: [UnblockWire.BindAddress]
        /// Browsers reach the portal over HTTPS (by a proxy in front): cookies are `Secure`,
        /// and pages tell browsers to keep to HTTPS (`Strict-Transport-Security`).
        public var servedOverHTTPS = false
        /// TLS to an unblockd reached over TCP; nil for plain TCP or the Unix socket.
        public var serverTLS: TLSClientSettings?
        /// Browser sessions kept at once.
        public var maximumSessions = 10_000

        public init(server: UnblockWire.BindAddress) { self.servers = [server] }

        public init(servers: [UnblockWire.BindAddress]) { self.servers = servers }
    }

    static let sessionCookie = "unblock_session"
    static let loginCookie = "unblock_login"
    /// The largest form a browser may post.
    static let maximumFormBytes = 8_192

    let configuration: Configuration
    let client: UnblockClient
    let sessions: BrowserSessions
    let languages: Languages
    /// unblockd's second-factor policy, asked now and then.
    let secondFactorPolicy = SecondFactorPolicyCache()
    let logger: Logger

    /// - Throws: when a language catalogue shipped with the portal is missing or incomplete, or
    ///   a file of `serverTLS` cannot be used.
    public init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.client =
            if let tls = configuration.serverTLS {
                try UnblockClient(targets: configuration.servers, tls: tls, defaultTimeout: .seconds(30))
            } else {
                UnblockClient(targets: configuration.servers, defaultTimeout: .seconds(30))
            }
        self.sessions = BrowserSessions(maximum: configuration.maximumSessions)
        self.languages = try Languages.bundled()
        self.logger = logger
    }

    /// The router serving every page, with the security headers on every answer.
    public func makeRouter() -> Router<PortalRequestContext> {
        let router = Router(context: PortalRequestContext.self)
        router.add(middleware: SecurityHeaders(servedOverHTTPS: configuration.servedOverHTTPS))
        router.get("/") { request, _ in
            session(of: request) == nil ? Response.redirect(to: "/login") : Response.redirect(to: "/cards")
        }
        router.get("/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: HTML.style)))
        }
        router.get("/login") { request, _ in await loginPage(text(request), message: nil) }
        router.post("/login") { request, context in try await logIn(request, context) }
        router.get("/cards") { request, context in try await cardsPage(request, context) }
        router.get("/cards/{serial}/unblock") { request, context in
            try await unblockPage(request, context, serial: try context.parameters.require("serial"), message: nil)
        }
        router.post("/cards/{serial}/unblock") { request, context in
            try await unblock(request, context, serial: try context.parameters.require("serial"))
        }
        router.post("/logout") { request, context in try await logOut(request, context) }
        router.get("/second-factor") { request, context in try await secondFactorPage(request, context) }
        router.post("/second-factor/begin") { request, context in try await beginSecondFactor(request, context) }
        router.post("/second-factor/confirm") { request, context in try await confirmSecondFactor(request, context) }
        router.get("/admin") { request, context in try await adminPage(request, context) }
        router.post("/admin/unlock") { request, context in try await adminAction(request, context, .unlock) }
        router.post("/admin/reset-limit") { request, context in try await adminAction(request, context, .resetLimit) }
        router.post("/admin/process") { request, context in try await adminAction(request, context, .switchProcess) }
        return router
    }

    // MARK: Sessions, languages, calls and forms

    /// The words for this request, in the language its browser prefers.
    func text(_ request: Request) -> Catalogue {
        languages.preferred(by: request.headers[.acceptLanguage])
    }

    /// One call to unblockd in a browser's session, saying which browser it is for.
    func call<Method: RPCMethod>(
        _ method: Method.Type, _ request: Method.Request, _ session: BrowserSession, _ context: PortalRequestContext
    ) async throws -> Method.Response {
        try await client.call(method, request, sessionToken: session.token, clientInfo: context.clientInfo)
    }

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
            name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.servedOverHTTPS,
            httpOnly: true, sameSite: .strict)
    }

    /// A page in `text`'s language.
    static func html(_ text: Catalogue, _ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .contentLanguage: text.language],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// A page with a title and one message.
    static func notice(_ text: Catalogue, _ title: Text, _ message: Text, status: HTTPResponse.Status) -> Response {
        html(text, HTML.page(title: text[title], text: text, body: HTML.message(text[message])), status: status)
    }

    /// A form post whose CSRF token is not the session's is refused, changing nothing.
    static func forbidden(_ text: Catalogue) -> Response {
        notice(text, .pageFormExpiredTitle, .pageFormExpiredText, status: .forbidden)
    }
}

/// The headers every answer carries: no script but the portal's own, no framing, no
/// sniffing, no referrer, and nothing kept in a cache (pages show personal data).
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
    static var strictTransportSecurity: HTTPField.Name { HTTPField.Name("Strict-Transport-Security")! }
    let servedOverHTTPS: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        response.headers[.vary] = "Accept-Language"
        if servedOverHTTPS { response.headers[Self.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}
