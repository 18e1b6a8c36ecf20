// Which browser holds which unblockd session: a random cookie maps to the token, kept in this process only.
import Foundation
import Synchronization

/// One browser's login: the unblockd session it stands for, and the CSRF token of its forms.
struct BrowserSession: Sendable {
    let token: String
    let csrf: String
    let displayName: String
    let isStaff: Bool
    /// When unblockd ends the session, whatever happens.
    let expiresAt: Date
    /// unblockd ends it after this long without a call.
    let idleTimeout: TimeInterval
    var lastUsed: Date
    /// The password was right but the session may only set up an authenticator app.
    var enrollmentOnly = false
}

/// The browser sessions, by cookie value. Bounded: at the maximum, the least recently used
/// goes. A session ends when unblockd's would (idle or absolute expiry), or at logout.
final class BrowserSessions: Sendable {
    private let sessions = Mutex<[String: BrowserSession]>([:])
    let maximum: Int

    init(maximum: Int) { self.maximum = maximum }

    /// A new session; its cookie value (32 random bytes, base64url).
    func create(_ session: BrowserSession) -> String {
        let cookie = Self.randomToken()
        sessions.withLock { sessions in
            if sessions.count >= maximum,
                let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
            {
                sessions[oldest] = nil
            }
            sessions[cookie] = session
        }
        return cookie
    }

    /// The live session of `cookie`, its use recorded; nil (and forgotten) once expired.
    func session(for cookie: String, now: Date = .now) -> BrowserSession? {
        sessions.withLock { sessions in
            guard var session = sessions[cookie] else { return nil }
            guard now < session.expiresAt, now.timeIntervalSince(session.lastUsed) < session.idleTimeout else {
                sessions[cookie] = nil
                return nil
            }
            session.lastUsed = now
            sessions[cookie] = session
            return session
        }
    }

    func remove(_ cookie: String) { _ = sessions.withLock { $0.removeValue(forKey: cookie) } }

    /// 32 random bytes, base64url without padding.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
