// What a one-time code adds to a login: the sealed secret opened, and the codes of three steps computed.
import UnblockCrypto

enum SecondFactorBenchmarks {
    static func run() throws -> [Measurement] {
        let sealer = try KeySealer(masterKey: SecretBytes(randomCount: 32))
        let secret = try SecretBytes(randomCount: TOTP.secretLength)
        let sealed = try sealer.sealTOTPSecret(secret, accountID: 7)
        let now: Int64 = 1_800_000_000
        let code = TOTP.code(secret: secret, step: TOTP.step(at: now))
        return [
            try measure("totp: open the secret and check a code", target: "<= 5 us", operations: 20_000) {
                let opened = try sealer.openTOTPSecret(sealed, accountID: 7)
                _ = TOTP.matchingStep(code, secret: opened, now: now, after: 0)
            }
        ]
    }
}
