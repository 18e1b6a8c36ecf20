// Challenge normalisation: what people type, what is refused, and how responses are shown.
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct ChallengeTests {
    @Test(arguments: [
        "1603 EBDF 1C8A 2E72", "1603EBDF1C8A2E72", "1603ebdf1c8a2e72", "1603-ebdf-1c8a-2e72",
        "16:03:EB:DF:1C:8A:2E:72", "  1603 EBDF\t1C8A 2E72  ",
    ])
    func acceptedForms(_ text: String) throws {
        let challenge = try Challenge(text: text, algorithm: .tripleDES)
        #expect(challenge.bytes == [0x16, 0x03, 0xEB, 0xDF, 0x1C, 0x8A, 0x2E, 0x72])
        #expect(challenge.formatted == "1603 EBDF 1C8A 2E72")
    }

    @Test func aesChallengesHaveSixteenBytes() throws {
        let challenge = try Challenge(text: "0011 2233 4455 6677 8899 AABB CCDD EEFF", algorithm: .aes256)
        #expect(challenge.bytes.count == 16)
        #expect(challenge.formatted == "0011 2233 4455 6677 8899 AABB CCDD EEFF")
    }

    @Test(arguments: [
        ("1603 EBDG 1C8A 2E72", "'G' at position 9"), ("1603.EBDF1C8A2E72", "'.' at position 5"),
        ("1603 EBDF 1C8A 2E7é", "'é' at position 19"), ("1603\nEBDF1C8A2E72", "U+A at position 5"),
    ])
    func badCharacterIsNamedWithItsPosition(_ text: String, _ expected: String) {
        do {
            _ = try Challenge(text: text, algorithm: .tripleDES)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .invalidChallengeCharacter)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test(arguments: [
        ("1603 EBDF 1C8A", AdminKeyAlgorithm.tripleDES, "12 hex digits", "shows 16"),
        ("1603 EBDF 1C8A 2E72 00", .tripleDES, "18 hex digits", "shows 16"),
        ("1603 EBDF 1C8A 2E72", .aes128, "16 hex digits", "shows 32"),
        ("", .aes128, "0 hex digits", "shows 32"),
        ("1603 EBDF 1C8A 2E7", .tripleDES, "15 hex digits", "shows 16"),
    ])
    func wrongLengthSaysWhatIsExpected(
        _ text: String, _ algorithm: AdminKeyAlgorithm, _ found: String, _ wanted: String
    ) {
        do {
            _ = try Challenge(text: text, algorithm: algorithm)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .wrongChallengeLength)
            #expect(error.message.contains(found) && error.message.contains(wanted), "\(error.message)")
        }
    }

    /// Random texts over hex digits, separators and a few other characters: accepted exactly
    /// when the hex digits alone make one block, and then decoded to those digits.
    @Test func randomTextsAgreeWithTheRule() {
        let alphabet = Array("0123456789abcdefABCDEF -:\t") + ["g", ".", "é", "\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let algorithm: AdminKeyAlgorithm = Bool.random(using: &generator) ? .tripleDES : .aes128
            let length = Int.random(in: 0...40, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let digits = text.filter(\.isHexDigit)
            let onlyAllowed = text.allSatisfy { $0.isHexDigit || " -:\t".contains($0) }
            let expected =
                onlyAllowed && digits.count == algorithm.blockLength * 2 ? HexFormat.bytes(String(digits)) : nil
            #expect((try? Challenge(text: text, algorithm: algorithm))?.bytes == expected, "\(text)")
        }
    }

    @Test func groupedHexMatchesWindows() {
        #expect(HexFormat.grouped([0x16, 0x03, 0xEB, 0xDF, 0x1C]) == "1603 EBDF 1C")
        #expect(HexFormat.grouped([]) == "")
        #expect(HexFormat.plain([0x0A, 0xFF]) == "0AFF")
    }
}
