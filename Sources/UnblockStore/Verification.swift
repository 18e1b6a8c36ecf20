// `unblockd verify`: a data directory read as a start would read it, changing nothing.
import Synchronization
import UnblockCore
import UnblockCrypto

/// What a data directory holds, and what a start would have to repair or could not use.
public struct DataDirectoryReport: Sendable {
    public var lastSequence: UInt64 = 0
    public var accounts = 0
    public var cards = 0
    public var profiles = 0
    /// What the next start would repair (a torn journal tail, a damaged newer snapshot, ...).
    public var repairsAtNextStart: [String] = []
    /// Cards whose sealed admin key does not open with the directory's master key.
    public var keysThatDoNotOpen: [String] = []
    /// Why the master key could not be read, when it could not.
    public var masterKeyProblem: String?

    /// Whether a server could start on the directory and answer for every card.
    public var isSound: Bool { keysThatDoNotOpen.isEmpty && masterKeyProblem == nil }
}

extension EmbeddedStore {
    /// Reads the data directory at `path` as a start would (the newest good snapshot, then
    /// the journal), writing nothing, and opens every sealed admin key with its master key.
    /// - Throws: `StoreError` for damage a start would refuse too.
    public static func verify(
        dataDirectory path: String, masterKeyPassphrase: SecretBytes? = nil, auditRetention: Int = 100_000
    ) throws(StoreError) -> DataDirectoryReport {
        let storage = ReadOnlyStorage()
        let recovered = try Recovery.recover(folder: path, storage: storage, auditRetention: auditRetention)
        var report = DataDirectoryReport()
        report.lastSequence = recovered.lastSequence
        report.accounts = recovered.directory.accounts.count
        report.cards = recovered.directory.cards.count
        report.profiles = recovered.directory.profiles.count
        report.repairsAtNextStart = storage.repairs + recovered.warnings
        do {
            let sealer = KeySealer(
                try MasterKey.load(from: path + "/" + DataDirectory.masterKeyFile, passphrase: masterKeyPassphrase))
            for card in recovered.directory.cards.values {
                guard case .sealed(let sealed) = card.key.source else { continue }
                if (try? sealer.open(
                    sealed, algorithm: card.key.algorithm, cardID: card.id.description, keyVersion: card.key.version))
                    == nil
                {
                    report.keysThatDoNotOpen.append(card.serial)
                }
            }
        } catch {
            report.masterKeyProblem = error.message
        }
        report.keysThatDoNotOpen.sort()
        return report
    }

    /// The directory the data directory at `path` holds after commit `sequence` (after its last
    /// when nil), read without changing anything: to compare a restored backup with its original.
    public static func directory(inDataDirectory path: String, through sequence: UInt64?) throws(StoreError)
        -> (directory: Directory, lastSequence: UInt64)
    {
        let recovered = try Recovery.recover(
            folder: path, storage: ReadOnlyStorage(),
            auditRetention: Configuration.defaults(dataDirectory: path).auditRetention,
            through: sequence)
        return (recovered.directory, recovered.lastSequence)
    }
}

/// The data directory's files, read but never changed: what recovery would change is
/// written down instead, as the repairs the next start will make.
private final class ReadOnlyStorage: Storage {
    private let files = PosixStorage()
    private let noted = Mutex<[String]>([])

    var repairs: [String] { noted.withLock { $0 } }

    func read(_ path: String) throws(StoreError) -> [UInt8] { try files.read(path) }
    func list(_ directory: String) throws(StoreError) -> [String] { try files.list(directory) }
    func fileExists(_ path: String) -> Bool { files.fileExists(path) }

    func truncate(_ path: String, to length: Int) throws(StoreError) {
        note("cut \(path) at byte \(length)")
    }
    func rename(_ source: String, to destination: String) throws(StoreError) {
        note("rename \(source) to \(destination)")
    }
    func remove(_ path: String) throws(StoreError) { note("remove \(path)") }
    func syncDirectory(_ directory: String) throws(StoreError) {}
    func makeDirectory(_ path: String) throws(StoreError) {}

    func openForWriting(_ path: String, at offset: Int) throws(StoreError) -> any StorageFile {
        throw StoreError(code: .io, message: "verify writes nothing (\(path))")
    }
    func create(_ path: String) throws(StoreError) -> any StorageFile {
        throw StoreError(code: .io, message: "verify writes nothing (\(path))")
    }

    private func note(_ repair: String) { noted.withLock { $0.append(repair) } }
}
