// The envelope: RequestFrame and ResponseFrame (package unblock.rpc.v1).
import CUnblockProtos
import NIOCore
import UnblockProtobufBridge

/// One call from the client: which method, on whose session, and the request message.
public struct RequestFrame: WireMessage {
    /// Chosen by the client, unique among its calls in flight; 0 is reserved for connection errors.
    public var callID: UInt64
    /// Full method name, e.g. `/unblock.v1.SelfService/UnblockPinOffline`.
    public var method: String
    /// Session token from Authenticate; empty for Authenticate and Health.
    public var sessionToken: String
    /// Relative deadline in milliseconds; nil means the server's default.
    public var timeoutMilliseconds: UInt32?
    /// The serialized request message of the method (parsed from a buffer, a slice of it).
    public var message: ByteBuffer
    /// Whom a trusted app calls for; the server ignores it on other connections.
    public var clientInfo: ClientInfo?

    public init(
        callID: UInt64,
        method: String,
        sessionToken: String = "",
        timeoutMilliseconds: UInt32? = nil,
        message: ByteBuffer = ByteBuffer(),
        clientInfo: ClientInfo? = nil
    ) {
        self.callID = callID
        self.method = method
        self.sessionToken = sessionToken
        self.timeoutMilliseconds = timeoutMilliseconds
        self.message = message
        self.clientInfo = clientInfo
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__rpc__v1__request_frame__init,
        unpack: unblock__rpc__v1__request_frame__unpack,
        free: unblock__rpc__v1__request_frame__free_unpacked,
        read: { c throws(WireError) in
            try Self(
                c, message: ByteBuffer(bytes: CReader.bytes(c.message, field: "RequestFrame.message", limit: .max)))
        },
        readInPayload: { c, payload throws(WireError) in
            try Self(c, message: CReader.bytes(c.message, in: payload, field: "RequestFrame.message", limit: .max))
        },
        write: { message, c, arena in
            c.call_id = message.callID
            c.method = arena.string(message.method)
            c.session_token = arena.string(message.sessionToken)
            if let timeout = message.timeoutMilliseconds {
                c.deadline_case = UNBLOCK__RPC__V1__REQUEST_FRAME__DEADLINE_TIMEOUT_MS
                c.timeout_ms = timeout
            }
            c.message = arena.bytes(message.message)
            c.client_info = message.clientInfo.map { arena.message($0, as: Unblock__Rpc__V1__ClientInfo.self) }
        }
    )
}

extension RequestFrame {
    private init(_ c: Unblock__Rpc__V1__RequestFrame, message: ByteBuffer) throws(WireError) {
        self.init(
            callID: c.call_id,
            method: try CReader.string(c.method, field: "RequestFrame.method", interning: ContractMethods.names),
            sessionToken: try CReader.string(c.session_token, field: "RequestFrame.session_token"),
            timeoutMilliseconds: c.deadline_case == UNBLOCK__RPC__V1__REQUEST_FRAME__DEADLINE_TIMEOUT_MS
                ? c.timeout_ms : nil,
            message: message,
            clientInfo: try CReader.message(c.client_info)
        )
    }

    static func writeFrame<Request: WireMessage>(
        callID: UInt64,
        method: String,
        sessionToken: String,
        timeoutMilliseconds: UInt32?,
        clientInfo: ClientInfo?,
        request: Request,
        into buffer: inout ByteBuffer
    ) -> Int {
        CArena.withArena { arena in
            let c = arena.uninitialized(Unblock__Rpc__V1__RequestFrame.self)
            unblock__rpc__v1__request_frame__init(c)
            c.pointee.call_id = callID
            c.pointee.method = arena.string(method)
            c.pointee.session_token = arena.string(sessionToken)
            if let timeout = timeoutMilliseconds {
                c.pointee.deadline_case = UNBLOCK__RPC__V1__REQUEST_FRAME__DEADLINE_TIMEOUT_MS
                c.pointee.timeout_ms = timeout
            }
            c.pointee.message = Request.wireType.packInArena(request, &arena)
            if let clientInfo {
                c.pointee.client_info = arena.message(clientInfo, as: Unblock__Rpc__V1__ClientInfo.self)
            }
            return CArena.packFrame(UnsafeMutableRawPointer(c), into: &buffer)
        }
    }
}

/// The answer to one call, or (call id 0) a connection-level error sent before closing.
public struct ResponseFrame: WireMessage {
    /// The call this answers; 0 for a connection-level error.
    public var callID: UInt64
    public var statusCode: StatusCode
    /// Human-readable; empty on OK.
    public var statusMessage: String
    /// The serialized response message of the method; empty unless OK (parsed from a buffer, a slice of it).
    public var message: ByteBuffer
    /// Why the call was refused, where the status alone does not say (`.unspecified` otherwise,
    /// and for a reason newer than this client).
    public var reason: ErrorReason
    /// With a reason: the earliest a retry can succeed, in milliseconds from now; 0 when unknown.
    public var retryAfterMilliseconds: UInt32

    public init(
        callID: UInt64,
        statusCode: StatusCode = .ok,
        statusMessage: String = "",
        message: ByteBuffer = ByteBuffer(),
        reason: ErrorReason = .unspecified,
        retryAfterMilliseconds: UInt32 = 0
    ) {
        self.callID = callID
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.message = message
        self.reason = reason
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__rpc__v1__response_frame__init,
        unpack: unblock__rpc__v1__response_frame__unpack,
        free: unblock__rpc__v1__response_frame__free_unpacked,
        read: { c throws(WireError) in
            try Self(
                c, message: ByteBuffer(bytes: CReader.bytes(c.message, field: "ResponseFrame.message", limit: .max)))
        },
        readInPayload: { c, payload throws(WireError) in
            try Self(c, message: CReader.bytes(c.message, in: payload, field: "ResponseFrame.message", limit: .max))
        },
        write: { message, c, arena in
            c.call_id = message.callID
            c.status_code = Unblock__Rpc__V1__StatusCode(rawValue: message.statusCode.rawValue)
            c.status_message = arena.string(message.statusMessage)
            c.message = arena.bytes(message.message)
            c.reason = Unblock__Rpc__V1__ErrorReason(rawValue: message.reason.rawValue)
            c.retry_after_ms = message.retryAfterMilliseconds
        }
    )
}

extension ResponseFrame {
    private init(_ c: Unblock__Rpc__V1__ResponseFrame, message: ByteBuffer) throws(WireError) {
        self.init(
            callID: c.call_id,
            statusCode: try CReader.enumeration(c.status_code.rawValue, field: "ResponseFrame.status_code"),
            statusMessage: try CReader.string(c.status_message, field: "ResponseFrame.status_message"),
            message: message,
            reason: ErrorReason(rawValue: c.reason.rawValue) ?? .unspecified,
            retryAfterMilliseconds: c.retry_after_ms
        )
    }

    static func writeFrame<Response: WireMessage>(callID: UInt64, response: Response, into buffer: inout ByteBuffer)
        -> Int
    {
        CArena.withArena { arena in
            let c = arena.uninitialized(Unblock__Rpc__V1__ResponseFrame.self)
            unblock__rpc__v1__response_frame__init(c)
            c.pointee.call_id = callID
            c.pointee.message = Response.wireType.packInArena(response, &arena)
            return CArena.packFrame(UnsafeMutableRawPointer(c), into: &buffer)
        }
    }
}
