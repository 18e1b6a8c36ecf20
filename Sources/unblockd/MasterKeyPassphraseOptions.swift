// The passphrase of a protected master key file: from a file, a systemd credential, or the terminal.
import ArgumentParser
import Foundation
import UnblockCrypto
import UnblockSettings
import UnblockTerminal

struct MasterKeyPassphraseOptions: ParsableArguments {
    /// The name of the systemd credential (LoadCredential=unblock-master-key-passphrase:FILE).
    static let credential = "unblock-master-key-passphrase"

    @Option(
        help: """
            A file whose first line is the passphrase of a protected master key file; else the systemd \
            credential \(credential), else a prompt on the terminal. [env: UNBLOCK_MASTER_KEY_PASSPHRASE_FILE]
            """)
    var masterKeyPassphraseFile: String?

    /// The passphrase of the master key file in `dataDirectory` when it is protected; nil when it
    /// is not (or does not exist yet).
    func passphrase(dataDirectory: String) throws -> SecretBytes? {
        try passphrase(keyFile: dataDirectory + "/master.key")
    }

    /// The passphrase of the key file at `path` when it is protected; nil when it is not (or does not exist).
    func passphrase(keyFile path: String) throws -> SecretBytes? {
        guard FileManager.default.fileExists(atPath: path), case .passphrase? = try? MasterKey.protection(of: path)
        else { return nil }
        return try ask(for: path)
    }

    private func ask(for path: String) throws -> SecretBytes {
        if let file = masterKeyPassphraseFile ?? Setting.text("master-key-passphrase-file") {
            return try Self.firstLine(of: file, named: "--master-key-passphrase-file \(file)")
        }
        if let folder = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"],
            FileManager.default.fileExists(atPath: "\(folder)/\(Self.credential)")
        {
            return try Self.firstLine(of: "\(folder)/\(Self.credential)", named: "the credential \(Self.credential)")
        }
        if let typed = Terminal.readSecret(prompt: "Passphrase of the master key file \(path): ") {
            return SecretBytes(Array(typed.utf8))
        }
        throw ValidationError(
            "the master key file \(path) is protected by a passphrase: give --master-key-passphrase-file FILE, "
                + "a systemd credential \(Self.credential) (LoadCredential=), or start unblockd on a terminal")
    }

    static func firstLine(of file: String, named name: String) throws -> SecretBytes {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("\(name): cannot be read")
        }
        let line = data.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        guard !line.isEmpty else { throw ValidationError("\(name): the first line is empty") }
        return SecretBytes(line)
    }
}
