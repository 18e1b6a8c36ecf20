// The data directory's secrets: a missing master key is never replaced under sealed keys, nor read through a link or from another owner.
import Foundation
import Testing
import UnblockCore
import UnblockCrypto
import UnblockStore
import UnblockTesting

@Suite struct DataDirectoryTests {
    static let demo = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/demo-directory.json").standardized

    /// A data directory with the demo's cards (sealed and derived keys) in it, closed.
    func storeWithCards(_ path: String) async throws {
        let store = try EmbeddedStore(configuration: configuration(path))
        _ = try await store.importDirectory(
            try Data(contentsOf: Self.demo), passwordHasher: PasswordHasher(iterations: 1_000))
        try await store.close()
    }

    func openError(_ path: String) -> String? {
        do {
            _ = try EmbeddedStore(configuration: configuration(path))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aMissingMasterKeyUnderSealedKeysStopsTheStartInsteadOfBeingReplaced() async throws {
        try await withTemporaryDirectory { path in
            try await storeWithCards(path)
            let keyPath = path + "/data/master.key"
            try FileManager.default.removeItem(atPath: keyPath)
            let message = try #require(openError(path))
            #expect(message.contains("restore master.key from the backup"), "\(message)")
            #expect(message.contains("5 cards"))
            #expect(!FileManager.default.fileExists(atPath: keyPath))
        }
    }

    @Test func aNewDataDirectoryGetsAMasterKey() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            try await store.close()
            #expect(FileManager.default.fileExists(atPath: path + "/data/master.key"))
        }
    }

    @Test func aMasterKeyBehindALinkOrOfAnotherOwnerIsRefused() async throws {
        try await withTemporaryDirectory { path in
            try await storeWithCards(path)
            let keyPath = path + "/data/master.key"
            try FileManager.default.moveItem(atPath: keyPath, toPath: path + "/elsewhere.key")
            try FileManager.default.createSymbolicLink(atPath: keyPath, withDestinationPath: path + "/elsewhere.key")
            #expect(openError(path)?.contains("is a symbolic link") == true)

            try FileManager.default.removeItem(atPath: keyPath)
            try FileManager.default.moveItem(atPath: path + "/elsewhere.key", toPath: keyPath)
            guard geteuid() == 0 else { return }  // only root can give a file away
            #expect(chown(keyPath, 65_534, 65_534) == 0)
            #expect(openError(path)?.contains("belongs to uid 65534") == true)
        }
    }

    @Test func aDataDirectoryOpenToOthersIsMadePrivate() async throws {
        try await withTemporaryDirectory { path in
            try FileManager.default.createDirectory(
                atPath: path + "/data", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let store = try EmbeddedStore(configuration: configuration(path))
            try await store.close()
            let mode = try FileManager.default.attributesOfItem(atPath: path + "/data")[.posixPermissions] as? Int
            #expect(mode == 0o700)
        }
    }
}

extension Error {
    /// What a store error says.
    var message: String { (self as? StoreError)?.message ?? "\(self)" }
}
