// Byte-exact interoperability with the reference encoder, `protoc-c --encode`.
import Foundation
import NIOCore
import Testing
import UnblockWire

/// Runs `protoc-c --encode=TYPE` on a text-format message, with the contract in Protos/.
func referenceEncode(type: String, text: String) throws -> [UInt8] {
    let protos = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Protos").standardized
    let process = Process()
    process.executableURL = URL(filePath: "/usr/bin/env")
    process.arguments = [
        "protoc-c", "--encode=\(type)", "-I", protos.path,
        "unblock/rpc/v1/envelope.proto", "unblock/v1/self_service.proto",
    ]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let bytes = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "protoc-c failed on \(type)"])
    }
    return [UInt8](bytes)
}

struct ReferenceCase: Sendable, CustomStringConvertible {
    let type: String
    let text: String
    let message: AnyWireMessage
    var description: String { type }
}

@Suite struct ReferenceEncoderTests {
    static let cases: [ReferenceCase] = [
        ReferenceCase(
            type: "unblock.v1.Card",
            text: """
                card_id: "c-000001" serial: "04782E21801D80" profile: "Employee Card"
                state: CARD_STATE_ACTIVE key_algorithm: KEY_ALGORITHM_3DES key_version: 3
                possible_actions: PROCESS_UNBLOCK_PIN_OFFLINE owner: "alice"
                """,
            message: AnyWireMessage(Samples.card)
        ),
        ReferenceCase(
            type: "unblock.v1.User",
            text: """
                username: "alice" display_name: "Zoë Ångström 日本語 🔑"
                roles: ROLE_SELF_SERVICE roles: ROLE_ADMIN state: USER_STATE_ACTIVE
                """,
            message: AnyWireMessage(Samples.user)
        ),
        ReferenceCase(
            type: "unblock.rpc.v1.RequestFrame",
            text: """
                call_id: 18446744073709551615 method: "/unblock.v1.SelfService/Health"
                session_token: "abc" timeout_ms: 0 message: "\\001\\002\\377"
                """,
            message: AnyWireMessage(
                RequestFrame(
                    callID: .max,
                    method: SelfService.Health.name,
                    sessionToken: "abc",
                    timeoutMilliseconds: 0,
                    message: ByteBuffer(bytes: [1, 2, 0xFF])
                )
            )
        ),
        ReferenceCase(
            type: "unblock.rpc.v1.ResponseFrame",
            text: #"call_id: 42 status_code: FAILED_PRECONDITION status_message: "card is not active""#,
            message: AnyWireMessage(
                ResponseFrame(callID: 42, statusCode: .failedPrecondition, statusMessage: "card is not active")
            )
        ),
        ReferenceCase(
            type: "unblock.v1.UnblockPinOfflineRequest",
            text: #"serial: "04782E21801D80" challenge: "1603 EBDF 1C8A 2E72""#,
            message: AnyWireMessage(
                UnblockPinOfflineRequest(card: .serial("04782E21801D80"), challenge: "1603 EBDF 1C8A 2E72")
            )
        ),
        ReferenceCase(
            type: "unblock.v1.UnblockPinOfflineResponse",
            text: """
                response: "1951 EC3E F81B BABB" response_bytes: "\\x19\\x51\\xEC\\x3E\\xF8\\x1B\\xBA\\xBB"
                key_version: 4294967295 key_check_value: "\\xC6\\xA1\\x3B" card_id: "c-000001"
                serial: "04782E21801D80" key_algorithm: KEY_ALGORITHM_AES256
                """,
            message: AnyWireMessage(Samples.unblockResponse)
        ),
        ReferenceCase(
            type: "unblock.v1.ListCardsResponse",
            text: """
                cards { card_id: "c-000001" serial: "04782E21801D80" profile: "Employee Card"
                  state: CARD_STATE_ACTIVE key_algorithm: KEY_ALGORITHM_3DES key_version: 3
                  possible_actions: PROCESS_UNBLOCK_PIN_OFFLINE owner: "alice" }
                cards { card_id: "c-2" state: CARD_STATE_RETIRED key_algorithm: KEY_ALGORITHM_AES128 }
                """,
            message: AnyWireMessage(
                ListCardsResponse(cards: [
                    Samples.card,
                    Card(
                        cardID: "c-2", serial: "", profile: "", state: .retired, keyAlgorithm: .aes128,
                        keyVersion: 0, possibleActions: [], owner: ""),
                ])
            )
        ),
        ReferenceCase(
            type: "unblock.v1.AuthenticateResponse",
            text: """
                session_token: "tok" expires_at_unix_ms: 1764380000000 idle_timeout_seconds: 900
                user { username: "alice" display_name: "Zoë Ångström 日本語 🔑" roles: ROLE_SELF_SERVICE
                  roles: ROLE_ADMIN state: USER_STATE_ACTIVE }
                """,
            message: AnyWireMessage(
                AuthenticateResponse(
                    sessionToken: "tok", expiresAtUnixMilliseconds: 1_764_380_000_000,
                    idleTimeoutSeconds: 900, user: Samples.user)
            )
        ),
        ReferenceCase(
            type: "unblock.v1.EnableProcessResponse",
            text: "changed: true enabled_processes: PROCESS_UNBLOCK_PIN_OFFLINE",
            message: AnyWireMessage(EnableProcessResponse(changed: true, enabledProcesses: [.unblockPinOffline]))
        ),
    ]

    @Test(arguments: cases)
    func bindingsProduceTheReferenceBytes(_ reference: ReferenceCase) throws {
        let expected = try referenceEncode(type: reference.type, text: reference.text)
        #expect(!expected.isEmpty)
        #expect(reference.message.serialize() == expected)
    }

    @Test(arguments: cases)
    func bindingsParseTheReferenceBytes(_ reference: ReferenceCase) throws {
        let bytes = try referenceEncode(type: reference.type, text: reference.text)
        #expect(try reference.message.parsesBack(bytes))
    }
}
