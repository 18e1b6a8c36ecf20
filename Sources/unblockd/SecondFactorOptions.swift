// unblockd serve's second-factor options: when logins ask for a one-time code, and what apps show.
import ArgumentParser
import Foundation
import UnblockServer
import UnblockSettings
import UnblockWire

struct SecondFactorOptions: ParsableArguments {
    @Option(
        help: """
            One-time codes (TOTP) at login: off; optional (users with an enrolled secret give one); \
            required (every user; one without a secret cannot log in). [env: UNBLOCK_SECOND_FACTOR]
            """)
    var secondFactor = SecondFactorPolicy(argument: Setting.string("second-factor"))!

    @Option(help: "The issuer authenticator apps show beside a secret. [env: UNBLOCK_TOTP_ISSUER]")
    var totpIssuer = Setting.string("totp-issuer")

    func validate() throws {
        guard !totpIssuer.isEmpty, totpIssuer.count <= 64, !totpIssuer.contains(":") else {
            throw ValidationError("--totp-issuer takes 1 to 64 characters without ':'")
        }
    }

    func apply(to configuration: inout ServerConfiguration) {
        configuration.secondFactor = secondFactor
        configuration.totpIssuer = totpIssuer
    }
}

extension SecondFactorPolicy: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "off": self = .off
        case "optional": self = .optional
        case "required": self = .required
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["off", "optional", "required"] }

    public var defaultValueDescription: String {
        switch self {
        case .unspecified, .off: "off"
        case .optional: "optional"
        case .required: "required"
        }
    }
}
