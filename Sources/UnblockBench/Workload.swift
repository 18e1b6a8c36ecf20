// What the harness sends: one call type or a weighted mix, each request encoded with a fresh call id.
import NIOCore
import UnblockCrypto
import UnblockWire

/// A call the harness can drive.
enum BenchCall: String, CaseIterable, Sendable {
    case unblockPinOffline = "unblock-pin-offline"
    case listCards = "list-cards"
    case authenticate
    case health
}

/// The identity one connection uses: its session token, and the card and password it may use.
struct BenchIdentity: Sendable {
    var username: String
    var password: String
    var token: String
    var cardSerial: String
    var challengeBytes: Int
}

/// Picks and encodes requests; owned by one connection (not thread-safe).
struct Workload {
    let weights: [(BenchCall, Int)]
    /// Taken in turn, one per request.
    let identities: [BenchIdentity]
    private var next = 0
    private var generator = FastRandom()
    private let total: Int

    init(weights: [(BenchCall, Int)], identities: [BenchIdentity]) {
        precondition(!identities.isEmpty)
        self.weights = weights.filter { $0.1 > 0 }
        self.identities = identities
        self.total = self.weights.reduce(0) { $0 + $1.1 }
    }

    /// The next request frame (length prefix included) with `callID`.
    mutating func nextRequest(callID: UInt64, into buffer: inout ByteBuffer) {
        var pick = total == 1 ? 0 : Int.random(in: 0..<total, using: &generator)
        var call = weights[0].0
        for (candidate, weight) in weights {
            if pick < weight {
                call = candidate
                break
            }
            pick -= weight
        }
        let identity = identities[next]
        next = next + 1 == identities.count ? 0 : next + 1
        switch call {
        case .health:
            buffer.writeRequestFrame(callID: callID, method: SelfService.Health.name, request: HealthRequest())
        case .listCards:
            buffer.writeRequestFrame(
                callID: callID, method: SelfService.ListCards.name, sessionToken: identity.token,
                request: ListCardsRequest())
        case .authenticate:
            buffer.writeRequestFrame(
                callID: callID, method: SelfService.Authenticate.name,
                request: AuthenticateRequest(username: identity.username, password: identity.password))
        case .unblockPinOffline:
            // A fresh random challenge each time, as a card would show: no replay refusals.
            let challenge = generator.bytes(identity.challengeBytes)
            buffer.writeRequestFrame(
                callID: callID, method: SelfService.UnblockPinOffline.name, sessionToken: identity.token,
                request: UnblockPinOfflineRequest(
                    card: .serial(identity.cardSerial), challenge: HexFormat.plain(challenge)))
        }
    }
}
