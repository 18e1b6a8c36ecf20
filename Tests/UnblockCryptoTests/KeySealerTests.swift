// Sealing admin keys at rest: round trip, every tamper case, and the master key file.
import Foundation
import Testing
import UnblockCore
import UnblockCrypto

@Suite struct KeySealerTests {
    let sealer: KeySealer
    let key: AdminKey

    init() throws {
        sealer = try KeySealer(masterKey: try SecretBytes(randomCount: 32))
        key = try AdminKey(algorithm: .tripleDES, bytes: AdminKeyPolicyTests.goodTripleDES)
    }

    func opens(
        _ sealed: [UInt8], with sealer: KeySealer? = nil, algorithm: AdminKeyAlgorithm = .tripleDES,
        cardID: String = "c-1", version: UInt32 = 2
    ) -> CryptoError.Code? {
        do {
            let opened = try (sealer ?? self.sealer).open(
                sealed, algorithm: algorithm, cardID: cardID, keyVersion: version)
            #expect(opened.material.constantTimeEquals(key.material))
            return nil
        } catch {
            return error.code
        }
    }

    @Test func roundTrip() throws {
        let sealed = try sealer.seal(key, cardID: "c-1", keyVersion: 2)
        #expect(sealed.count == 1 + 12 + 24 + 16)
        #expect(opens(sealed) == nil)
        // A fresh nonce each time: sealing twice never gives the same bytes.
        #expect(try sealer.seal(key, cardID: "c-1", keyVersion: 2) != sealed)
    }

    @Test func everyFlippedByteIsDetected() throws {
        let sealed = try sealer.seal(key, cardID: "c-1", keyVersion: 2)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            let code = opens(tampered)
            #expect(code == (index == 0 ? .malformedSealedKey : .sealedKeyAuthenticationFailed), "byte \(index)")
        }
    }

    @Test func boundToMasterKeyCardVersionAndAlgorithm() throws {
        let sealed = try sealer.seal(key, cardID: "c-1", keyVersion: 2)
        let otherSealer = try KeySealer(masterKey: try SecretBytes(randomCount: 32))
        #expect(opens(sealed, with: otherSealer) == .sealedKeyAuthenticationFailed)
        #expect(opens(sealed, cardID: "c-2") == .sealedKeyAuthenticationFailed)
        #expect(opens(sealed, version: 3) == .sealedKeyAuthenticationFailed)
        #expect(opens(sealed, algorithm: .aes192) == .sealedKeyAuthenticationFailed)
    }

    @Test func truncatedOrExtendedIsMalformed() throws {
        let sealed = try sealer.seal(key, cardID: "c-1", keyVersion: 2)
        #expect(opens(Array(sealed.dropLast())) == .malformedSealedKey)
        #expect(opens(sealed + [0]) == .malformedSealedKey)
        #expect(opens([]) == .malformedSealedKey)
    }

    @Test func masterKeyFileIsCreatedPrivateAndNeverOverwritten() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "unblock-mk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "master.key").path

        let created = try MasterKey.create(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let loaded = try MasterKey.load(from: path)
        #expect(loaded.derivation.constantTimeEquals(created.derivation))
        #expect(loaded.sealing.count == 1 && loaded.sealing[0].constantTimeEquals(created.sealing[0]))
        // Two keys, not one: the derivation key never rotates, the sealing key may.
        #expect(!created.derivation.constantTimeEquals(created.sealing[0]))
        #expect(try MasterKey.protection(of: path) == .none)
        #expect(throws: CryptoError.self) { try MasterKey.create(at: path) }

        chmod(path, 0o644)
        #expect(throws: CryptoError.self) { try MasterKey.load(from: path) }
        chmod(path, 0o600)
        try Data([1, 2, 3]).write(to: URL(filePath: path))
        #expect(throws: CryptoError.self) { try MasterKey.load(from: path) }
        #expect(throws: CryptoError.self) { try MasterKey.load(from: folder.appending(path: "missing").path) }
    }

    @Test func aProtectedFileOpensOnlyWithItsPassphraseAndAWrongOneIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "unblock-mk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "master.key").path
        let keys = try MasterKey.create(at: path)
        let passphrase = SecretBytes(Array("correct horse battery".utf8))
        try MasterKey.replace(at: path, with: keys, passphrase: passphrase)

        #expect(try MasterKey.protection(of: path) == .passphrase(logN: 15, r: 8, p: 1))
        let file = try Data(contentsOf: URL(filePath: path))
        let derivation = keys.derivation.withUnsafeBytes { Data($0) }
        #expect(file.range(of: derivation) == nil)
        #expect(try MasterKey.load(from: path, passphrase: passphrase).derivation.constantTimeEquals(keys.derivation))
        for wrong in [nil, SecretBytes(Array("wrong horse battery".utf8))] {
            do {
                _ = try MasterKey.load(from: path, passphrase: wrong)
                Issue.record("opened without the right passphrase")
            } catch {
                #expect(error.code == .masterKeyPassphrase)
            }
        }
        // A changed byte of the header (its scrypt parameters) is caught too.
        var tampered = [UInt8](file)
        tampered["UNBLOCK MASTER KEY 2\n".utf8.count + 2] ^= 1
        try Data(tampered).write(to: URL(filePath: path))
        #expect(throws: CryptoError.self) { try MasterKey.load(from: path, passphrase: passphrase) }
    }

    @Test func duringARotationOldBlobsOpenNewOnesUseTheNewKeyAndAfterItOnlyTheNewKeyOpens() throws {
        let legacy = MasterKeys(legacy: try SecretBytes(randomCount: 32))
        let key = try AdminKey(
            algorithm: .aes128, bytes: try SecretBytes(randomCount: 16).withUnsafeBytes { Array($0) })
        let old = try KeySealer(legacy).seal(key, cardID: "7", keyVersion: 1)
        let rotating = try legacy.addingSealingKey()
        #expect(rotating.derivation.constantTimeEquals(legacy.derivation))
        let during = KeySealer(rotating)
        #expect(
            try during.open(old, algorithm: .aes128, cardID: "7", keyVersion: 1).material.constantTimeEquals(
                key.material))
        let new = try during.seal(key, cardID: "7", keyVersion: 1)
        #expect(throws: CryptoError.self) {
            try KeySealer(legacy).open(new, algorithm: .aes128, cardID: "7", keyVersion: 1)
        }
        let after = KeySealer(rotating.retiringOldSealingKeys())
        #expect(
            try after.open(new, algorithm: .aes128, cardID: "7", keyVersion: 1).material.constantTimeEquals(
                key.material))
        #expect(throws: CryptoError.self) { try after.open(old, algorithm: .aes128, cardID: "7", keyVersion: 1) }
    }
}
