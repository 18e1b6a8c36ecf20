// My cards, and Unblock PIN offline for one of them: the challenge in, the response out, every refusal in words.
import Foundation
import Hummingbird
import UnblockClient
import UnblockWire

extension Portal {
    func cardsPage(_ request: Request) async throws -> Response {
        guard let (cookieValue, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let cards: [Card]
        do {
            cards = try await client.call(SelfService.ListCards.self, ListCardsRequest(), sessionToken: session.token)
                .cards
        } catch let error as UnblockClientError where error.code == .unauthenticated {
            sessions.remove(cookieValue)
            return Response.redirect(to: "/login")
        }
        let rows = cards.map { card -> String in
            let action =
                card.possibleActions.contains(.unblockPinOffline)
                ? "<a class=\"button\" href=\"/cards/\(HTML.escape(card.serial))/unblock\">Unblock PIN offline</a>"
                : HTML.escape(Self.whyNot(card))
            return """
                <tr><td>\(HTML.escape(card.serial))</td><td>\(HTML.escape(card.profile))</td>\
                <td>\(HTML.escape(Self.stateName(card.state)))</td><td>\(action)</td></tr>
                """
        }
        let staff = session.isStaff ? "<p><a class=\"button\" href=\"/admin\">Help desk</a></p>" : ""
        let body =
            staff
            + (cards.isEmpty
                ? "<p>You have no smart cards.</p>"
                : """
                <p>Is your card's PIN blocked? Choose the card whose PIN is blocked.</p>
                <table><thead><tr><th>Card</th><th>Profile</th><th>State</th><th>Possible actions</th></tr></thead>
                <tbody>\(rows.joined())</tbody></table>
                """)
        return Self.html(HTML.page(title: "My cards", signedInAs: session.displayName, csrf: session.csrf, body: body))
    }

    func unblockPage(_ request: Request, serial: String, message: String?) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let card = try? await client.call(
            SelfService.ListCards.self, ListCardsRequest(), sessionToken: session.token
        ).cards.first { $0.serial == serial }
        guard let card else { return Response.redirect(to: "/cards") }
        let digits = card.keyAlgorithm == .tripleDES ? 16 : 32
        let body = """
            \(message.map(HTML.message) ?? "")
            <p>On the PC, choose <strong>Unblock smart card</strong>: Windows shows a challenge. \
            Type it here (\(digits) characters, 0 to 9 and A to F; spaces do not matter).</p>
            <form method="post" action="/cards/\(HTML.escape(card.serial))/unblock">
            <input type="hidden" name="csrf" value="\(HTML.escape(session.csrf))">
            <label for="challenge">Challenge shown on the PC for card \(HTML.escape(card.serial))</label>
            <input id="challenge" name="challenge" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
            <button type="submit">Next</button> <a class="button secondary" href="/cards">Cancel</a>
            </form>
            """
        return Self.html(
            HTML.page(title: "Unblock PIN offline", signedInAs: session.displayName, csrf: session.csrf, body: body))
    }

    func unblock(_ request: Request, serial: String) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let fields = await form(request)
        guard fields["csrf"] == session.csrf else { return Self.forbidden }
        do {
            let answer = try await client.call(
                SelfService.UnblockPinOffline.self,
                UnblockPinOfflineRequest(card: .serial(serial), challenge: fields["challenge"] ?? ""),
                sessionToken: session.token)
            let body = """
                <p>Type this response on the PC:</p>
                <p id="response">\(HTML.escape(answer.response))</p>
                <p>Then choose a new PIN and type it twice. The new PIN never leaves the PC.</p>
                <a class="button" href="/cards">Done</a>
                """
            return Self.html(
                HTML.page(title: "Your response", signedInAs: session.displayName, csrf: session.csrf, body: body))
        } catch let error as UnblockClientError {
            if error.code == .unauthenticated { return Response.redirect(to: "/login") }
            return try await unblockPage(request, serial: serial, message: Self.refusal(error))
        }
    }

    /// A refused unblock in a card holder's words.
    static func refusal(_ error: UnblockClientError) -> String {
        switch (error.code, error.reason) {
        case (.failedPrecondition, _) where error.message.contains("already answered"):
            "This challenge was already used. Start the unblock again on the PC to get a new one."
        case (.resourceExhausted, .cardResponseLimit):
            "This card has had all the responses it may have for now. \(error.message.components(separatedBy: "; ").last ?? "")"
        case (.invalidArgument, _): error.message.prefix(1).uppercased() + error.message.dropFirst()
        case (.failedPrecondition, _), (.notFound, _): error.message.prefix(1).uppercased() + error.message.dropFirst()
        default: "The service cannot answer right now; try again in a moment."
        }
    }

    /// Why a card offers no unblock, in plain words.
    static func whyNot(_ card: Card) -> String {
        card.state == .active
            ? "Not offered for this card's profile: ask your help desk."
            : "This card is \(stateName(card.state)): ask your help desk."
    }

    static func stateName(_ state: CardState) -> String {
        switch state {
        case .active: "active"
        case .suspended: "suspended"
        case .revoked: "revoked"
        case .retired: "retired"
        case .unspecified: "unknown"
        }
    }
}
