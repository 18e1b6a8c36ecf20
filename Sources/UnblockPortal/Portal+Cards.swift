// My cards, and Unblock PIN offline for one of them: the challenge in, the response out, every refusal in words.
import Foundation
import Hummingbird
import UnblockClient
import UnblockWire

extension Portal {
    func cardsPage(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        guard let (cookieValue, session) = session(of: request) else { return Response.redirect(to: "/login") }
        guard !session.enrollmentOnly else { return Response.redirect(to: "/second-factor") }
        let text = text(request)
        let cards: [Card]
        do {
            cards = try await call(SelfService.ListCards.self, ListCardsRequest(), session, context).cards
        } catch let error as UnblockClientError where error.code == .unauthenticated {
            sessions.remove(cookieValue)
            return Response.redirect(to: "/login")
        }
        let rows = cards.map { card -> String in
            let action =
                card.possibleActions.contains(.unblockPinOffline)
                ? "<a class=\"button\" href=\"/cards/\(HTML.escape(card.serial))/unblock\">"
                    + "\(HTML.escape(text[.cardsUnblock]))</a>"
                : HTML.escape(Self.whyNot(card, text))
            return """
                <tr><td>\(HTML.escape(card.serial))</td><td>\(HTML.escape(card.profile))</td>\
                <td>\(HTML.escape(Self.stateName(card.state, text)))</td><td>\(action)</td></tr>
                """
        }
        let staff =
            session.isStaff ? "<p><a class=\"button\" href=\"/admin\">\(HTML.escape(text[.cardsHelpDesk]))</a></p>" : ""
        let policy = await secondFactorPolicy.current(client)
        let setUp =
            policy.asksForCodes
            ? "<p><a href=\"/second-factor\">\(HTML.escape(text[.cardsSetUpApp]))</a></p>" : ""
        let body =
            staff
            + (cards.isEmpty
                ? "<p>\(HTML.escape(text[.cardsNone]))</p>"
                : """
                <p>\(HTML.escape(text[.cardsIntro]))</p>
                <table><thead><tr><th>\(HTML.escape(text[.cardsCard]))</th><th>\(HTML.escape(text[.cardsProfile]))</th>\
                <th>\(HTML.escape(text[.cardsState]))</th><th>\(HTML.escape(text[.cardsActions]))</th></tr></thead>
                <tbody>\(rows.joined())</tbody></table>
                """) + setUp
        return Self.html(
            text,
            HTML.page(
                title: text[.cardsTitle], text: text, signedInAs: session.displayName, csrf: session.csrf, body: body))
    }

    /// The challenge form for one of the caller's cards that offers the unblock; any other
    /// serial goes back to My cards, which says why not.
    func unblockPage(_ request: Request, _ context: PortalRequestContext, serial: String, message: String?)
        async throws -> Response
    {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        // With a refusal to tell, the form stays, whatever the card offers now.
        guard let card = try await ownCard(serial, session, context),
            message != nil || card.possibleActions.contains(.unblockPinOffline)
        else { return Response.redirect(to: "/cards") }
        let text = text(request)
        let body = """
            \(message.map(HTML.message) ?? "")
            <p>\(HTML.escape(text(.unblockInstructions, ["digits": "\(Self.challengeDigits(card))"])))</p>
            <form method="post" action="/cards/\(HTML.escape(card.serial))/unblock">
            <input type="hidden" name="csrf" value="\(HTML.escape(session.csrf))">
            <label for="challenge">\(HTML.escape(text(.unblockChallenge, ["serial": card.serial])))</label>
            <input id="challenge" name="challenge" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
            <button type="submit">\(HTML.escape(text[.unblockNext]))</button> \
            <a class="button secondary" href="/cards">\(HTML.escape(text[.unblockCancel]))</a>
            </form>
            """
        return Self.html(
            text,
            HTML.page(
                title: text[.unblockTitle], text: text, signedInAs: session.displayName, csrf: session.csrf, body: body)
        )
    }

    func unblock(_ request: Request, _ context: PortalRequestContext, serial: String) async throws -> Response {
        guard let (_, session) = session(of: request) else { return Response.redirect(to: "/login") }
        let text = text(request)
        let fields = await form(request)
        guard fields["csrf"] == session.csrf else { return Self.forbidden(text) }
        guard let card = try await ownCard(serial, session, context) else { return Response.redirect(to: "/cards") }
        // Checked here first, so that a typo is told in the person's language and costs no call.
        let digits = Self.challengeDigits(card)
        let challenge = (fields["challenge"] ?? "").filter { !$0.isWhitespace && $0 != "-" }
        guard challenge.count == digits, challenge.allSatisfy(\.isHexDigit) else {
            return try await unblockPage(
                request, context, serial: serial, message: text(.refusalLength, ["digits": "\(digits)"]))
        }
        do {
            let answer = try await call(
                SelfService.UnblockPinOffline.self,
                UnblockPinOfflineRequest(card: .serial(serial), challenge: challenge), session, context)
            let body = """
                <p id="response">\(HTML.escape(answer.response))</p>
                <p>\(HTML.escape(text[.responseInstructions]))</p>
                <a class="button" href="/cards">\(HTML.escape(text[.responseDone]))</a>
                """
            return Self.html(
                text,
                HTML.page(
                    title: text[.responseTitle], text: text, signedInAs: session.displayName, csrf: session.csrf,
                    body: body))
        } catch let error as UnblockClientError {
            if error.code == .unauthenticated { return Response.redirect(to: "/login") }
            return try await unblockPage(
                request, context, serial: serial, message: Self.refusal(error, digits: digits, text))
        }
    }

    /// The caller's card with this serial, or nil when it is not one of theirs.
    func ownCard(_ serial: String, _ session: BrowserSession, _ context: PortalRequestContext) async throws -> Card? {
        try? await call(SelfService.ListCards.self, ListCardsRequest(), session, context).cards.first {
            $0.serial == serial
        }
    }

    /// Hex digits in this card's challenges: a 3DES key's are 8 bytes, an AES key's 16.
    static func challengeDigits(_ card: Card) -> Int { card.keyAlgorithm == .tripleDES ? 16 : 32 }

    /// A refused unblock in a card holder's words, chosen by the reason unblockd gives.
    static func refusal(_ error: UnblockClientError, digits: Int, _ text: Catalogue) -> String {
        switch (error.code, error.reason) {
        case (_, .challengeAlreadyAnswered): return text[.refusalAlreadyUsed]
        case (_, .processNotEnabled): return text[.refusalNotEnabled]
        case (_, .cardNotActive): return text[.refusalNotActive]
        case (_, .cardResponseLimit):
            let minutes = max(1, Int(((error.retryAfter ?? .zero) + .seconds(59)).components.seconds / 60))
            if minutes == 1 { return text[.refusalLimitMinute] }
            if minutes < 60 { return text(.refusalLimitMinutes, ["count": "\(minutes)"]) }
            let hours = (minutes + 59) / 60
            return hours == 1 ? text[.refusalLimitHour] : text(.refusalLimitHours, ["count": "\(hours)"])
        case (.invalidArgument, _): return text(.refusalLength, ["digits": "\(digits)"])
        case (.notFound, _): return text[.refusalNoSuchCard]
        default: return text[.refusalUnavailable]
        }
    }

    /// Why a card offers no unblock, in plain words.
    static func whyNot(_ card: Card, _ text: Catalogue) -> String {
        card.state == .active
            ? text[.cardsNotOffered] : text(.cardsNotActive, ["state": stateName(card.state, text)])
    }

    static func stateName(_ state: CardState, _ text: Catalogue) -> String {
        switch state {
        case .active: text[.stateActive]
        case .suspended: text[.stateSuspended]
        case .revoked: text[.stateRevoked]
        case .retired: text[.stateRetired]
        case .unspecified: text[.stateUnknown]
        }
    }
}
