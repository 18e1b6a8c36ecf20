// TOTP against RFC 6238's and RFC 4226's test vectors; the window, replay, the URI, sealed secrets.
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct TOTPTests {
    static let rfcSecret = SecretBytes(Array("12345678901234567890".utf8))

    @Test(arguments: [
        (59 as Int64, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238SHA1Vectors(_ time: Int64, _ expected: String) {
        #expect(TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: time), digits: 8) == expected)
    }

    @Test func rfc4226HOTPVectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
        ]
        #expect((0..<10).map { TOTP.code(secret: Self.rfcSecret, step: UInt64($0)) } == expected)
    }

    @Test func oneStepEitherSideIsAcceptedOnceAndNoFurther() {
        let now: Int64 = 1_800_000_015
        let step = TOTP.step(at: now)
        let code = { (step: UInt64) in TOTP.code(secret: Self.rfcSecret, step: step) }
        for accepted in [step - 1, step, step + 1] {
            #expect(TOTP.matchingStep(code(accepted), secret: Self.rfcSecret, now: now, after: 0) == accepted)
        }
        for refused in [step - 2, step + 2] {
            #expect(TOTP.matchingStep(code(refused), secret: Self.rfcSecret, now: now, after: 0) == nil)
        }
        // Used once: the same code, or one of an earlier step, is refused.
        #expect(TOTP.matchingStep(code(step), secret: Self.rfcSecret, now: now, after: step) == nil)
        #expect(TOTP.matchingStep(code(step - 1), secret: Self.rfcSecret, now: now, after: step) == nil)
        #expect(TOTP.matchingStep(code(step + 1), secret: Self.rfcSecret, now: now, after: step) == step + 1)
        #expect(TOTP.matchingStep("12345", secret: Self.rfcSecret, now: now, after: 0) == nil)
        #expect(
            TOTP.matchingStep(
                String(code(step).prefix(3)) + " " + code(step).suffix(3), secret: Self.rfcSecret, now: now, after: 0)
                == step)
    }

    @Test func theURIIsWhatAuthenticatorAppsRead() {
        let uri = TOTP.uri(secret: Self.rfcSecret, username: "alice@example", issuer: "Unblock Example")
        #expect(
            uri == "otpauth://totp/Unblock%20Example:alice%40example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=Unblock%20Example&algorithm=SHA1&digits=6&period=30")
    }

    @Test func aSealedSecretOpensOnlyForItsAccount() throws {
        let sealer = try KeySealer(masterKey: SecretBytes(randomCount: 32))
        let secret = try SecretBytes(randomCount: TOTP.secretLength)
        let sealed = try sealer.sealTOTPSecret(secret, accountID: 7)
        #expect(try sealer.openTOTPSecret(sealed, accountID: 7).constantTimeEquals(secret))
        #expect(throws: CryptoError.self) { try sealer.openTOTPSecret(sealed, accountID: 8) }
        var altered = sealed
        altered[20] ^= 1
        #expect(throws: CryptoError.self) { try sealer.openTOTPSecret(altered, accountID: 7) }
    }
}
