// `unblockd import`: loads a directory file into a data directory, all or nothing.
import ArgumentParser
import Foundation
import Logging
import UnblockCrypto
import UnblockStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import users, card profiles and cards from a directory file (JSON).",
        discussion: """
            Every entry is checked first (weak keys, unknown owners or profiles, duplicates, bad \
            states); any problem is reported with its JSON path and nothing is imported. The \
            server must not be running on the same data directory. See Examples/demo-directory.json.
            """
    )

    @Option(name: .long, help: "The data directory (created if missing).")
    var dataDir: String = "./var"

    @Option(name: .long, help: "PBKDF2 iterations for the passwords in the file.")
    var passwordIterations: Int = PasswordHasher.defaultIterations

    @Argument(help: "The directory file to import.")
    var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var configuration = DirectoryStore.Configuration(dataDirectory: dataDir)
        configuration.logger.logLevel = .warning
        let store = try DirectoryStore(configuration: configuration)
        do {
            let summary = try await store.importDirectory(
                data, passwordHasher: PasswordHasher(iterations: passwordIterations))
            try await store.close()
            print(
                "imported \(summary.profiles) profiles, \(summary.users) users and \(summary.cards) cards into \(dataDir)"
            )
        } catch {
            try await store.close()
            throw error
        }
    }
}
