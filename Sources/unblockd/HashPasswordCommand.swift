// `unblockd hash-password`: a password hash for a directory file's passwordHash field.
import ArgumentParser
import Foundation
import UnblockCore
import UnblockCrypto
import UnblockStore

struct HashPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Print the hash of a password read from standard input, for a directory file's passwordHash.",
        discussion: """
            The hash has the form $pbkdf2-sha256$i=ITERATIONS$SALT$HASH (PBKDF2-HMAC-SHA256, \
            a random 16-byte salt, unpadded base64), so that a directory file need not hold the \
            password itself. See docs/DIRECTORY-FILE.md.
            """
    )

    @Option(help: "PBKDF2 iterations (at least the server's --password-iterations).")
    var iterations: Int = PasswordHasher.defaultIterations

    func validate() throws {
        guard (1_000...100_000_000).contains(iterations) else {
            throw ValidationError("--iterations takes 1000 to 100000000, not \(iterations)")
        }
    }

    func run() throws {
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw ValidationError(
                "give the password on standard input, e.g. printf '%s' \"$PASSWORD\" | unblockd hash-password")
        }
        if let reason = PasswordRules.problem(with: password) {
            FileHandle.standardError.write(Data("unblockd: this password cannot be used: \(reason)\n".utf8))
            throw ExitCode(65)
        }
        print(try PasswordHasher(iterations: iterations).hash(password))
    }
}
