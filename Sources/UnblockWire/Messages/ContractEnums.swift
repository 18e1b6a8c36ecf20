// The enums of the public contract, one Swift enum per proto enum (raw values are the proto numbers).

/// Lifecycle state of a card in the service (not the PIN's state on the chip).
public enum CardState: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    case active = 1
    case suspended = 2
    case revoked = 3
    case retired = 4
}

/// Algorithm of a card's admin key, which fixes the challenge length.
public enum KeyAlgorithm: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    /// 3-key 3DES-EDE: 24-byte key, 8-byte challenge.
    case tripleDES = 1
    /// AES-128: 16-byte challenge (as for every AES key).
    case aes128 = 2
    case aes192 = 3
    case aes256 = 4
}

/// A use case a user can start on a card.
public enum CardProcess: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    /// "Unblock PIN offline": answer the challenge Windows shows.
    case unblockPinOffline = 1

    /// The reference product's symbolic name, e.g. `CardsSelfServiceProcUnblockPINOffline`.
    public var symbolicName: String {
        switch self {
        case .unspecified: "Unspecified"
        case .unblockPinOffline: "CardsSelfServiceProcUnblockPINOffline"
        }
    }

    /// The name people read, e.g. "Unblock PIN offline".
    public var displayName: String {
        switch self {
        case .unspecified: "Unspecified"
        case .unblockPinOffline: "Unblock PIN offline"
        }
    }
}

/// What a user may do: self-service on their own cards, the help desk's tasks, or administration.
public enum Role: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    case selfService = 1
    case admin = 2
    case helpdesk = 3
}

/// Whether a user may log in at all.
public enum UserState: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    case active = 1
    case inactive = 2
}

/// The server's answer to Health.
public enum ServingStatus: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    case serving = 1
    case notServing = 2
}

/// When Authenticate asks for a one-time code besides the password.
public enum SecondFactorPolicy: UInt32, Sendable, CaseIterable, Codable {
    /// A server older than second factors.
    case unspecified = 0
    case off = 1
    /// From users who have enrolled a secret.
    case optional = 2
    /// From every user.
    case required = 3
}

extension SecondFactorPolicy {
    /// Whether some logins give a one-time code (optional or required).
    public var asksForCodes: Bool { self == .optional || self == .required }
}

/// gRPC status code numbers, with the same meanings as in gRPC.
public enum StatusCode: UInt32, Sendable, CaseIterable, Codable {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case `internal` = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16
}

/// Why a call was refused, where one status code has causes a client must handle differently.
public enum ErrorReason: UInt32, Sendable, CaseIterable, Codable {
    case unspecified = 0
    /// The server's workers are saturated: retry the same call after `retryAfterMilliseconds`.
    case serverBusy = 1
    /// The card has had its responses for now: a retry before `retryAfterMilliseconds` is refused again.
    case cardResponseLimit = 2
    /// UnblockPinOffline: the challenge was answered already; the PC must start again for a new one.
    case challengeAlreadyAnswered = 3
    /// UnblockPinOffline: the process is not enabled for the card's profile in its state.
    case processNotEnabled = 4
    /// UnblockPinOffline: the card is not active.
    case cardNotActive = 5
}
