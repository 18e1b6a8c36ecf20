// A smart card: its serial, owner, profile, lifecycle state, admin key and the responses issued for it.

/// Stable identity of a card, shown as `c-000042`.
public struct CardID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses the `c-000042` form.
    public init?(_ text: some StringProtocol) {
        guard text.hasPrefix("c-"), let value = UInt64(text.dropFirst(2)), value > 0 else { return nil }
        rawValue = value
    }

    public static func < (lhs: CardID, rhs: CardID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Written digit by digit: an unblock prints its card's id several times, a card list once per card.
    public var description: String {
        var digitCount = 1
        var rest = rawValue / 10
        while rest > 0 { (digitCount, rest) = (digitCount + 1, rest / 10) }
        let width = max(6, digitCount)
        return String(unsafeUninitializedCapacity: 2 + width) { utf8 in
            utf8[0] = UInt8(ascii: "c")
            utf8[1] = UInt8(ascii: "-")
            var value = rawValue
            for index in stride(from: 1 + width, through: 2, by: -1) {
                utf8[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return 2 + width
        }
    }
}

/// Where a card's admin key comes from, and how to check it.
public struct AdminKeyRecord: Equatable, Sendable {
    /// How the key is obtained.
    public enum Source: Equatable, Sendable {
        /// Random key made at issuance, sealed under the master key (`KeySealer` format).
        case sealed([UInt8])
        /// Derived from the master key and the card serial: nothing per card is stored.
        case derived
    }

    public var algorithm: AdminKeyAlgorithm
    public var source: Source
    /// Incremented when the card is re-keyed.
    public var version: UInt32
    /// First 3 bytes of the key's encryption of a zero block, checked whenever the key is loaded.
    public var checkValue: [UInt8]

    public init(algorithm: AdminKeyAlgorithm, source: Source, version: UInt32, checkValue: [UInt8]) {
        self.algorithm = algorithm
        self.source = source
        self.version = version
        self.checkValue = checkValue
    }
}

/// One response issued for a card: a hash of its challenge and when. Never the response.
public struct IssuedResponse: Equatable, Sendable {
    /// SHA-256 over the card id and the challenge bytes.
    public var challengeHash: SHA256Hash
    public var at: Timestamp
    /// The version of the admin key that answered; 0 for responses recorded before versions were kept.
    public var keyVersion: UInt32

    public init(challengeHash: SHA256Hash, at: Timestamp, keyVersion: UInt32 = 0) {
        self.challengeHash = challengeHash
        self.at = at
        self.keyVersion = keyVersion
    }
}

/// A card as the service keeps it.
public struct SmartCard: Equatable, Sendable {
    /// Lifecycle state in the service; only active cards allow self-service actions.
    public enum State: UInt32, Sendable, CaseIterable {
        case active = 1
        case suspended = 2
        case revoked = 3
        case retired = 4
    }

    public let id: CardID
    /// Chip serial, uppercase hex.
    public var serial: String
    public var owner: AccountID
    /// Name of the card profile.
    public var profile: String
    public var state: State
    public var key: AdminKeyRecord
    /// Recent responses, oldest first; bounded by `UnblockPolicy`'s retention.
    public var responses: [IssuedResponse]
    /// Responses issued before this time do not count toward the daily limit (the help desk
    /// reset it); they are still remembered against replays. Nil: never reset.
    public var responseLimitResetAt: Timestamp?

    public init(
        id: CardID,
        serial: String,
        owner: AccountID,
        profile: String,
        state: State = .active,
        key: AdminKeyRecord,
        responses: [IssuedResponse] = [],
        responseLimitResetAt: Timestamp? = nil
    ) {
        self.id = id
        self.serial = serial
        self.owner = owner
        self.profile = profile
        self.state = state
        self.key = key
        self.responses = responses
        self.responseLimitResetAt = responseLimitResetAt
    }
}

extension SmartCard {
    /// How long a card remembers the challenges it answered: a repeat within this time is a
    /// replay and is refused.
    public static let responseMemory: Duration = .seconds(30 * 86_400)
    /// The most responses a card remembers: the most that `UnblockPolicy` lets a card have
    /// within `responseMemory` (1,000 a day for 30 days). Only a bound against damage: the
    /// policy never issues more.
    public static let maximumRememberedResponses = 30_000

    /// Remembers an issued response and forgets those older than `responseMemory` before it
    /// (the directory's rule, also used to see a batch's earlier responses before they are
    /// applied). By time, not by count, so that a replay is refused for the whole memory
    /// whatever the card's daily limit.
    public mutating func remember(_ response: IssuedResponse) {
        responses.append(response)
        let horizon = response.at - Self.responseMemory
        let expired =
            responses.prefix { $0.at <= horizon }.count + max(0, responses.count - Self.maximumRememberedResponses)
        if expired > 0 { responses.removeFirst(min(expired, responses.count - 1)) }
    }
}

extension SmartCard {
    /// A serial as the service keeps it (uppercase), or nil when `text` is not 2 to 64 hex digits.
    public static func normalizedSerial(_ text: String) -> String? {
        let serial = text.uppercased()
        guard (2...64).contains(serial.utf8.count),
            serial.utf8.allSatisfy({ byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            })
        else { return nil }
        return serial
    }

    /// What `normalizedSerial` asks, in words.
    public static let serialRule = "a serial is 2 to 64 hex digits"
}
