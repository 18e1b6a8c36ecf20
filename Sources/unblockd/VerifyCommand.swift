// `unblockd verify`: checks a data directory without starting the server and without changing it.
import ArgumentParser
import Foundation
import UnblockStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a data directory (a stopped server's, or a restored copy) without changing it.",
        discussion: """
            Reads the newest good snapshot and the journal as a start would, says what the next \
            start would change (a torn journal tail, a damaged snapshot set aside), and opens every \
            sealed admin key with the directory's master key. Exit 0 when a server could start on \
            it and answer for every card, 1 otherwise.
            """)

    @Option(help: "The data directory.")
    var dataDir: String

    @OptionGroup var masterKey: MasterKeyPassphraseOptions

    func run() throws { try Self.check(dataDir, command: "verify", masterKey: masterKey) }

    /// Verifies `dataDir` and prints the report; exit status 1 when it is not sound.
    static func check(_ dataDir: String, command: String, masterKey: MasterKeyPassphraseOptions) throws {
        let passphrase = try masterKey.passphrase(dataDirectory: dataDir)
        let report: DataDirectoryReport
        do {
            report = try EmbeddedStore.verify(dataDirectory: dataDir, masterKeyPassphrase: passphrase)
        } catch {
            throw failure(command, "\(dataDir): \(error.message)")
        }
        print(
            "\(dataDir): sequence \(report.lastSequence), \(report.accounts) users, \(report.cards) cards, "
                + "\(report.profiles) profiles")
        for repair in report.repairsAtNextStart { print("  the next start will: \(repair)") }
        if let problem = report.masterKeyProblem { print("  master key: \(problem)") }
        if !report.keysThatDoNotOpen.isEmpty {
            print(
                "  \(report.keysThatDoNotOpen.count) sealed admin keys do not open with this master key: "
                    + report.keysThatDoNotOpen.prefix(20).joined(separator: ", "))
        }
        guard report.isSound else { throw ExitCode(1) }
        print("  sound: a server can start on it and answer for every card")
    }
}
