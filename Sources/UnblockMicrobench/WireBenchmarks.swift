// Wire hot path: an UnblockPinOffline request and its response, each encoded and decoded inside its frame.
import NIOCore
import UnblockWire

enum WireBenchmarks {
    static func run() throws -> [Measurement] {
        let request = UnblockPinOfflineRequest(card: .serial("04782E21801D80"), challenge: "1603 EBDF 1C8A 2E72")
        let response = UnblockPinOfflineResponse(
            response: "1951 EC3E F81B BABB",
            responseBytes: [0x19, 0x51, 0xEC, 0x3E, 0xF8, 0x1B, 0xBA, 0xBB],
            keyVersion: 1,
            keyCheckValue: [0xC6, 0xA1, 0x3B],
            cardID: "c-000001",
            serial: "04782E21801D80",
            keyAlgorithm: .tripleDES
        )
        let token = String(repeating: "A", count: 43)
        // One buffer per direction, as on a real connection (a payload's slices live until its
        // call is answered). Held in one value passed inout, so that the loop pays one
        // exclusivity check per round trip for its captured state, not one per buffer access.
        var state = RoundTripState()

        let roundTrip = try measure(
            "wire: request + response, encode + decode in frames",
            target: "<= 2 us",
            operations: 20_000
        ) {
            try roundTripOnce(&state, request: request, response: response, token: token)
        }
        return [roundTrip]
    }

    struct RoundTripState {
        var requestBuffer = ByteBuffer()
        var responseBuffer = ByteBuffer()
        var decoder = FrameDecoder()

        init() {
            requestBuffer.reserveCapacity(1024)
            responseBuffer.reserveCapacity(1024)
        }
    }

    /// What a client and the server do for one call: each side encodes its message in its
    /// frame, the other decodes frame, envelope and message.
    @inline(never)
    static func roundTripOnce(
        _ state: inout RoundTripState,
        request: UnblockPinOfflineRequest,
        response: UnblockPinOfflineResponse,
        token: String
    ) throws {
        // Client: request message inside a RequestFrame inside a frame.
        state.requestBuffer.clear()
        state.requestBuffer.writeRequestFrame(
            callID: 42, method: SelfService.UnblockPinOffline.name, sessionToken: token,
            timeoutMilliseconds: 5_000, request: request
        )
        // Server: frame, envelope, request.
        let requestPayload = try state.decoder.decode(buffer: &state.requestBuffer)!
        let requestFrame = try RequestFrame(buffer: requestPayload)
        let decodedRequest = try UnblockPinOfflineRequest(buffer: requestFrame.message)
        precondition(decodedRequest.challenge.utf8.count == 19)
        // Server: response message inside a ResponseFrame inside a frame.
        state.responseBuffer.clear()
        state.responseBuffer.writeResponseFrame(callID: requestFrame.callID, response: response)
        // Client: frame, envelope, response.
        let responsePayload = try state.decoder.decode(buffer: &state.responseBuffer)!
        let responseFrame = try ResponseFrame(buffer: responsePayload)
        let decodedResponse = try UnblockPinOfflineResponse(buffer: responseFrame.message)
        precondition(decodedResponse.keyVersion == 1)
    }
}
