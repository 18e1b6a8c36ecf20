// Health: is the server serving? No session needed.
import CUnblockProtos
import UnblockProtobufBridge

/// Asks whether the server is serving.
public struct HealthRequest: WireMessage {
    public init() {}

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__health_request__init,
        unpack: unblock__v1__health_request__unpack,
        free: unblock__v1__health_request__free_unpacked,
        read: { _ in Self() },
        write: { _, _, _ in }
    )
}

/// Whether the server is serving, and its version.
public struct HealthResponse: WireMessage {
    public var status: ServingStatus
    public var version: String
    /// Whether logins ask for a one-time code.
    public var secondFactor: SecondFactorPolicy

    public init(status: ServingStatus, version: String, secondFactor: SecondFactorPolicy = .unspecified) {
        self.status = status
        self.version = version
        self.secondFactor = secondFactor
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__health_response__init,
        unpack: unblock__v1__health_response__unpack,
        free: unblock__v1__health_response__free_unpacked,
        read: { c throws(WireError) in
            Self(
                status: try CReader.enumeration(c.status.rawValue, field: "HealthResponse.status"),
                version: try CReader.string(c.version, field: "HealthResponse.version"),
                secondFactor: try CReader.enumeration(c.second_factor.rawValue, field: "HealthResponse.second_factor")
            )
        },
        write: { message, c, arena in
            c.status = Unblock__V1__ServingStatus(rawValue: message.status.rawValue)
            c.version = arena.string(message.version)
            c.second_factor = Unblock__V1__SecondFactorPolicy(rawValue: message.secondFactor.rawValue)
        }
    )
}
