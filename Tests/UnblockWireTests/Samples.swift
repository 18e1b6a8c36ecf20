// Sample messages with edge values, shared by the wire tests.
import NIOCore
import UnblockProtobufBridge
import UnblockWire

/// A message of any contract type, type-erased for table-driven tests.
struct AnyWireMessage: Sendable, CustomStringConvertible {
    let description: String
    let serialize: @Sendable () -> [UInt8]
    /// Parses bytes as the same type and tells whether the result equals the original.
    let parsesBack: @Sendable ([UInt8]) throws -> Bool
    /// Parses bytes as the same type, discarding the result.
    let parse: @Sendable (UnsafeRawBufferPointer) throws -> Void
    /// Whether parsing bytes from a buffer (where frames slice their message out of it) and
    /// from an array give the same message or both fail. The bytes are placed mid-buffer,
    /// between other bytes, so that a slice past either end would show.
    let buffersAgree: @Sendable ([UInt8]) -> Bool

    init<Message: WireMessage>(_ message: Message, _ label: String = "") {
        description = "\(Message.self)\(label.isEmpty ? "" : " (\(label))")"
        serialize = { message.serializedBytes() }
        parsesBack = { try Message(serializedBytes: $0) == message }
        parse = { _ = try Message(serializedBytes: $0) }
        buffersAgree = { bytes in
            var buffer = ByteBuffer(bytes: [0xAA, 0xBB] + bytes + [0xCC])
            buffer.moveReaderIndex(forwardBy: 2)
            buffer.moveWriterIndex(to: buffer.writerIndex - 1)
            switch (try? Message(serializedBytes: bytes), try? Message(buffer: buffer)) {
            case (nil, nil): return true
            case (let array?, let sliced?): return array == sliced
            default: return false
            }
        }
    }
}

enum Samples {
    static let nonASCII = "Zoë Ångström 日本語 🔑"
    static let longest = String(repeating: "x", count: WireLimits.maxStringBytes)

    static let card = Card(
        cardID: "c-000001",
        serial: "04782E21801D80",
        profile: "Employee Card",
        state: .active,
        keyAlgorithm: .tripleDES,
        keyVersion: 3,
        possibleActions: [.unblockPinOffline],
        owner: "alice"
    )

    static let user = User(username: "alice", displayName: nonASCII, roles: [.selfService, .admin], state: .active)

    /// Every message type, with empty, maximal, non-ASCII, every-enum and every-oneof values.
    static let all: [AnyWireMessage] = {
        var all: [AnyWireMessage] = [
            AnyWireMessage(RequestFrame(callID: 0, method: ""), "empty"),
            AnyWireMessage(
                RequestFrame(
                    callID: .max,
                    method: SelfService.UnblockPinOffline.name,
                    sessionToken: "tok",
                    timeoutMilliseconds: .max,
                    message: ByteBuffer(bytes: (0...255).map(UInt8.init)),
                    clientInfo: ClientInfo(app: "unblock-portal", endUserAddress: "2001:db8::7")
                ),
                "max"
            ),
            AnyWireMessage(ClientInfo(app: "", endUserAddress: ""), "empty"),
            AnyWireMessage(RequestFrame(callID: 1, method: "m", timeoutMilliseconds: 0), "zero deadline"),
            AnyWireMessage(ResponseFrame(callID: 0), "empty"),
            AnyWireMessage(
                ResponseFrame(callID: .max, statusMessage: nonASCII, message: ByteBuffer(bytes: [0, 0xFF])), "max"),
            AnyWireMessage(User(username: "", displayName: "", roles: [], state: .unspecified), "empty"),
            AnyWireMessage(user),
            AnyWireMessage(
                Card(
                    cardID: "", serial: "", profile: "", state: .unspecified, keyAlgorithm: .unspecified,
                    keyVersion: 0, possibleActions: [], owner: ""), "empty"),
            AnyWireMessage(card),
            AnyWireMessage(AuthenticateRequest(username: "", password: ""), "empty"),
            AnyWireMessage(AuthenticateRequest(username: nonASCII, password: longest), "long"),
            AnyWireMessage(
                AuthenticateResponse(
                    sessionToken: "", expiresAtUnixMilliseconds: 0,
                    idleTimeoutSeconds: 0, user: nil), "empty"),
            AnyWireMessage(
                AuthenticateResponse(
                    sessionToken: "t", expiresAtUnixMilliseconds: .max,
                    idleTimeoutSeconds: .max, user: user), "max"),
            AnyWireMessage(LogoutRequest()),
            AnyWireMessage(LogoutResponse()),
            AnyWireMessage(ListCardsRequest(), "empty"),
            AnyWireMessage(ListCardsRequest(username: nonASCII)),
            AnyWireMessage(ListCardsResponse(cards: []), "empty"),
            AnyWireMessage(ListCardsResponse(cards: [card, card, card])),
            AnyWireMessage(EnableProcessRequest(profile: "", cardState: .unspecified, process: .unspecified), "empty"),
            AnyWireMessage(EnableProcessResponse(changed: false, enabledProcesses: []), "empty"),
            AnyWireMessage(EnableProcessResponse(changed: true, enabledProcesses: CardProcess.allCases)),
            AnyWireMessage(DisableProcessRequest(profile: "", cardState: .unspecified, process: .unspecified), "empty"),
            AnyWireMessage(DisableProcessResponse(changed: false, enabledProcesses: []), "empty"),
            AnyWireMessage(DisableProcessResponse(changed: true, enabledProcesses: CardProcess.allCases)),
            AnyWireMessage(UnblockPinOfflineRequest(card: nil, challenge: ""), "no card"),
            AnyWireMessage(UnblockPinOfflineRequest(card: .cardID("c-1"), challenge: "1603 EBDF 1C8A 2E72"), "card id"),
            AnyWireMessage(UnblockPinOfflineRequest(card: .serial(""), challenge: nonASCII), "empty serial"),
            AnyWireMessage(
                UnblockPinOfflineResponse(
                    response: "", responseBytes: [], keyVersion: 0,
                    keyCheckValue: [], cardID: "", serial: "",
                    keyAlgorithm: .unspecified), "empty"),
            AnyWireMessage(unblockResponse),
            AnyWireMessage(HealthRequest()),
            AnyWireMessage(HealthResponse(status: .unspecified, version: ""), "empty"),
        ]
        all += CardState.allCases.map {
            AnyWireMessage(EnableProcessRequest(profile: "p", cardState: $0, process: .unblockPinOffline), "\($0)")
        }
        all += CardState.allCases.map {
            AnyWireMessage(DisableProcessRequest(profile: "p", cardState: $0, process: .unblockPinOffline), "\($0)")
        }
        all += KeyAlgorithm.allCases.map {
            var card = card
            card.keyAlgorithm = $0
            return AnyWireMessage(card, "\($0)")
        }
        all += UserState.allCases.map {
            AnyWireMessage(User(username: "u", displayName: "U", roles: Role.allCases, state: $0), "\($0)")
        }
        all += ServingStatus.allCases.map { AnyWireMessage(HealthResponse(status: $0, version: "1.0"), "\($0)") }
        all += StatusCode.allCases.map { AnyWireMessage(ResponseFrame(callID: 7, statusCode: $0), "\($0)") }
        all += ErrorReason.allCases.map {
            AnyWireMessage(ResponseFrame(callID: 7, statusCode: .failedPrecondition, reason: $0), "\($0)")
        }
        return all
    }()

    static let unblockResponse = UnblockPinOfflineResponse(
        response: "1951 EC3E F81B BABB",
        responseBytes: [0x19, 0x51, 0xEC, 0x3E, 0xF8, 0x1B, 0xBA, 0xBB],
        keyVersion: .max,
        keyCheckValue: [0xC6, 0xA1, 0x3B],
        cardID: "c-000001",
        serial: "04782E21801D80",
        keyAlgorithm: .aes256
    )
}
