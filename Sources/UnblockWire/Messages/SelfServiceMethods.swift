// The methods of unblock.v1.SelfService: full names and their request and response types.
import UnblockProtobufBridge

/// A unary method of the contract: its full wire name and its message types.
public protocol RPCMethod: Sendable {
    associatedtype Request: WireMessage
    associatedtype Response: WireMessage
    /// Full method name as carried in `RequestFrame.method`.
    static var name: String { get }
}

/// The methods of service `unblock.v1.SelfService`.
public enum SelfService {
    /// Log in with username and password; no session needed.
    public enum Authenticate: RPCMethod {
        public typealias Request = AuthenticateRequest
        public typealias Response = AuthenticateResponse
        public static let name = "/unblock.v1.SelfService/Authenticate"
    }

    /// End the caller's session.
    public enum Logout: RPCMethod {
        public typealias Request = LogoutRequest
        public typealias Response = LogoutResponse
        public static let name = "/unblock.v1.SelfService/Logout"
    }

    /// List the caller's cards (or another user's, for administrators).
    public enum ListCards: RPCMethod {
        public typealias Request = ListCardsRequest
        public typealias Response = ListCardsResponse
        public static let name = "/unblock.v1.SelfService/ListCards"
    }

    /// Enable a process on a card profile (administrators only).
    public enum EnableProcess: RPCMethod {
        public typealias Request = EnableProcessRequest
        public typealias Response = EnableProcessResponse
        public static let name = "/unblock.v1.SelfService/EnableProcess"
    }

    /// Disable a process on a card profile (administrators only).
    public enum DisableProcess: RPCMethod {
        public typealias Request = DisableProcessRequest
        public typealias Response = DisableProcessResponse
        public static let name = "/unblock.v1.SelfService/DisableProcess"
    }

    /// The response to an offline PIN-unblock challenge.
    public enum UnblockPinOffline: RPCMethod {
        public typealias Request = UnblockPinOfflineRequest
        public typealias Response = UnblockPinOfflineResponse
        public static let name = "/unblock.v1.SelfService/UnblockPinOffline"
    }

    /// Whether the server is serving; no session needed.
    public enum Health: RPCMethod {
        public typealias Request = HealthRequest
        public typealias Response = HealthResponse
        public static let name = "/unblock.v1.SelfService/Health"
    }

    /// A new secret for the caller's authenticator app, pending until confirmed.
    public enum BeginSecondFactorEnrollment: RPCMethod {
        public typealias Request = BeginSecondFactorEnrollmentRequest
        public typealias Response = BeginSecondFactorEnrollmentResponse
        public static let name = "/unblock.v1.SelfService/BeginSecondFactorEnrollment"
    }

    /// The app's first code, which makes the pending secret the caller's second factor.
    public enum ConfirmSecondFactorEnrollment: RPCMethod {
        public typealias Request = ConfirmSecondFactorEnrollmentRequest
        public typealias Response = ConfirmSecondFactorEnrollmentResponse
        public static let name = "/unblock.v1.SelfService/ConfirmSecondFactorEnrollment"
    }

    /// Every method name of the service.
    public static let methodNames: [String] = [
        Authenticate.name, Logout.name, ListCards.name, EnableProcess.name,
        DisableProcess.name, UnblockPinOffline.name, Health.name, BeginSecondFactorEnrollment.name,
        ConfirmSecondFactorEnrollment.name,
    ]
}
