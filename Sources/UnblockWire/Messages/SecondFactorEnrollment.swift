// SelfService.BeginSecondFactorEnrollment and ConfirmSecondFactorEnrollment: a user enrols their own app.
import CUnblockProtos
import UnblockProtobufBridge

public struct BeginSecondFactorEnrollmentRequest: WireMessage {
    public init() {}

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__begin_second_factor_enrollment_request__init,
        unpack: unblock__v1__begin_second_factor_enrollment_request__unpack,
        free: unblock__v1__begin_second_factor_enrollment_request__free_unpacked,
        read: { _ in Self() },
        write: { _, _, _ in }
    )
}

/// The pending secret, as the URI an authenticator app enrols from.
public struct BeginSecondFactorEnrollmentResponse: WireMessage {
    public var uri: String

    public init(uri: String) { self.uri = uri }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__begin_second_factor_enrollment_response__init,
        unpack: unblock__v1__begin_second_factor_enrollment_response__unpack,
        free: unblock__v1__begin_second_factor_enrollment_response__free_unpacked,
        read: { c throws(WireError) in
            Self(uri: try CReader.string(c.uri, field: "BeginSecondFactorEnrollmentResponse.uri"))
        },
        write: { message, c, arena in c.uri = arena.string(message.uri) }
    )
}

public struct ConfirmSecondFactorEnrollmentRequest: WireMessage {
    public var oneTimeCode: String

    public init(oneTimeCode: String) { self.oneTimeCode = oneTimeCode }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__confirm_second_factor_enrollment_request__init,
        unpack: unblock__v1__confirm_second_factor_enrollment_request__unpack,
        free: unblock__v1__confirm_second_factor_enrollment_request__free_unpacked,
        read: { c throws(WireError) in
            Self(
                oneTimeCode: try CReader.string(
                    c.one_time_code, field: "ConfirmSecondFactorEnrollmentRequest.one_time_code", limit: 64))
        },
        write: { message, c, arena in c.one_time_code = arena.string(message.oneTimeCode) }
    )
}

/// Whether the session ended with the enrolment (it was for enrolment only).
public struct ConfirmSecondFactorEnrollmentResponse: WireMessage {
    public var logInAgain: Bool

    public init(logInAgain: Bool) { self.logInAgain = logInAgain }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__confirm_second_factor_enrollment_response__init,
        unpack: unblock__v1__confirm_second_factor_enrollment_response__unpack,
        free: unblock__v1__confirm_second_factor_enrollment_response__free_unpacked,
        read: { c throws(WireError) in Self(logInAgain: c.log_in_again != 0) },
        write: { message, c, arena in c.log_in_again = message.logInAgain ? 1 : 0 }
    )
}
