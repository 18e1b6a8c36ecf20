// Every message survives serialize-then-parse unchanged, and the contract's rules are enforced.
import Foundation
import Testing
import UnblockProtobufBridge
import UnblockWire

@Suite struct MessageRoundTripTests {
    @Test(arguments: Samples.all)
    func roundTrip(_ sample: AnyWireMessage) throws {
        #expect(try sample.parsesBack(sample.serialize()))
    }

    @Test func emptyBytesParseAsDefaults() throws {
        let empty = try Card(serializedBytes: [])
        #expect(empty.cardID == "" && empty.state == .unspecified && empty.possibleActions.isEmpty)
    }

    @Test func unknownEnumValueIsRejected() {
        // Card.state (field 4, varint) = 99: protobuf-c keeps it, the bindings refuse it.
        #expect(throws: WireError.self) { try Card(serializedBytes: [0x20, 99]) }
        do {
            _ = try Card(serializedBytes: [0x20, 99])
        } catch {
            #expect(error.code == .unknownEnumValue)
            #expect(error.message.contains("Card.state"))
        }
    }

    @Test func unknownEnumInRepeatedFieldIsRejected() {
        // Card.possible_actions (field 7, packed) = [1, 42].
        #expect(throws: WireError.self) { try Card(serializedBytes: [0x3A, 0x02, 0x01, 42]) }
    }

    @Test func invalidUTF8IsRejected() {
        // User.username (field 1) = 0xC3 0x28, an invalid two-byte sequence.
        do {
            _ = try User(serializedBytes: [0x0A, 0x02, 0xC3, 0x28])
            Issue.record("invalid UTF-8 parsed")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.message.contains("User.username"))
        }
    }

    @Test func overlongStringIsRejected() {
        let tooLong = AuthenticateRequest(username: "u", password: Samples.longest + "x").serializedBytes()
        do {
            _ = try AuthenticateRequest(serializedBytes: tooLong)
            Issue.record("overlong string parsed")
        } catch {
            #expect(error.code == .fieldTooLong)
            #expect(error.message.contains("AuthenticateRequest.password"))
        }
    }

    @Test func overlongBytesFieldIsRejected() {
        var response = Samples.unblockResponse
        response.keyCheckValue = [UInt8](repeating: 1, count: WireLimits.maxSmallBytes + 1)
        #expect(throws: WireError.self) { try UnblockPinOfflineResponse(serializedBytes: response.serializedBytes()) }
    }

    @Test func truncatedMessageIsMalformed() {
        let bytes = Samples.card.serializedBytes()
        do {
            _ = try Card(serializedBytes: Array(bytes.dropLast()))
            Issue.record("truncated message parsed")
        } catch {
            #expect(error.code == .malformedMessage)
        }
    }

    @Test func methodNamesAreTheFullNames() {
        #expect(SelfService.UnblockPinOffline.name == "/unblock.v1.SelfService/UnblockPinOffline")
        #expect(CardProcess.unblockPinOffline.symbolicName == "CardsSelfServiceProcUnblockPINOffline")
    }

    /// Every `rpc` of the contract's services has its name in the bindings, and no other.
    @Test(arguments: [("self_service.proto", "SelfService"), ("admin.proto", "Admin")])
    func theBindingsNameEveryMethodOfTheProtos(_ file: String, _ service: String) throws {
        let url = URL(filePath: #filePath).deletingLastPathComponent().appending(
            path: "../../Protos/unblock/v1/\(file)")
        let proto = try String(contentsOf: url, encoding: .utf8)
        let declared = Set(
            proto.split(separator: "\n").compactMap { line -> String? in
                let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
                guard words.first == "rpc", let name = words.dropFirst().first?.split(separator: "(").first else {
                    return nil
                }
                return "/unblock.v1.\(service)/\(name)"
            })
        let bound = Set(service == "Admin" ? Admin.methodNames : SelfService.methodNames)
        #expect(!declared.isEmpty && bound == declared)
    }
}
