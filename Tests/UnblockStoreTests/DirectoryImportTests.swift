// Importing directory files: the demo file, and each kind of invalid file with its JSON path.
import Foundation
import Testing
import UnblockCore
import UnblockCrypto
import UnblockStore
import UnblockTesting

@Suite struct DirectoryImportTests {
    static let demo = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../../Examples/demo-directory.json").standardized
    static let hasher = PasswordHasher(iterations: 1_000)

    @Test func theDemoDirectoryImportsWithSealedKeysAndHashedPasswords() async throws {
        try await withTemporaryDirectory { path in
            let store = try EmbeddedStore(configuration: configuration(path))
            let data = try Data(contentsOf: Self.demo)
            let summary = try await store.importDirectory(data, passwordHasher: Self.hasher)
            #expect(summary == ImportSummary(profiles: 2, users: 5, cards: 5))
            let directory = store.directory

            let alice = try #require(directory.account(username: "alice"))
            #expect(try Self.hasher.verify("alice-demo-password", against: alice.passwordHash))
            #expect(directory.account(username: "carol")?.state == .inactive)
            #expect(directory.account(username: "admin")?.roles == [.selfService, .admin])
            #expect(directory.profile(named: "Employee Card")?.enabled.isEmpty == true)
            #expect(directory.profile(named: "Contractor Card")?.isEnabled(.unblockPinOffline, for: .active) == true)

            // Each stored key opens, matches the file, and matches its check value.
            let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            let sealer = KeySealer(store.masterKeys)
            let cipher = try BlockCipher()
            for entry in json["cards"] as! [[String: Any]] {
                let card = try #require(directory.card(serial: entry["serial"] as! String))
                #expect(card.owner == directory.account(username: entry["owner"] as! String)?.id)
                let key: AdminKey
                switch card.key.source {
                case .sealed(let sealed):
                    key = try sealer.open(
                        sealed, algorithm: card.key.algorithm, cardID: card.id.description,
                        keyVersion: card.key.version)
                    let hex = (entry["adminKey"] as! [String: Any])["hex"] as! String
                    #expect(key.material.withUnsafeBytes { HexFormat.plain(Array($0)) } == hex)
                case .derived:
                    key = try AdminKeyDerivation.adminKey(
                        masterKey: store.masterKeys.derivation, serial: card.serial,
                        algorithm: card.key.algorithm)
                }
                try cipher.verify(key, keyCheckValue: card.key.checkValue)
            }
            try await store.close()

            // Nothing on disk holds a key or a password in clear.
            let secrets =
                (json["cards"] as! [[String: Any]]).compactMap { ($0["adminKey"] as! [String: Any])["hex"] as? String }
                .map { Data(HexFormat.bytes($0)!) } + [Data("alice-demo-password".utf8)]
            for name in try FileManager.default.contentsOfDirectory(atPath: path + "/data") {
                let content = try Data(contentsOf: URL(filePath: path + "/data/" + name))
                for secret in secrets { #expect(content.range(of: secret) == nil, "\(name) holds a secret") }
            }
        }
    }

    static let invalid: [(String, String, String)] = [
        ("not json", "{", "$"),
        ("wrong top type", "[]", "$"),
        ("unknown field", #"{"usres": []}"#, "$.usres"),
        ("user without password", #"{"users": [{"username": "a"}]}"#, "$.users[0]"),
        ("bad username", #"{"users": [{"username": "a b", "password": "p"}]}"#, "$.users[0].username"),
        ("bad user state", #"{"users": [{"username": "a", "password": "p", "state": "gone"}]}"#, "$.users[0].state"),
        ("bad role", #"{"users": [{"username": "a", "password": "p", "roles": ["root"]}]}"#, "$.users[0].roles[0]"),
        ("malformed hash", #"{"users": [{"username": "a", "passwordHash": "md5:abc"}]}"#, "$.users[0].passwordHash"),
        (
            "duplicate user", #"{"users": [{"username": "a", "password": "p"}, {"username": "a", "password": "q"}]}"#,
            "$.users[1].username"
        ),
        ("existing user", #"{"users": [{"username": "alice", "password": "p"}]}"#, "$.users[0].username"),
        ("existing profile", #"{"profiles": [{"name": "Employee Card"}]}"#, "$.profiles[0].name"),
        (
            "process in wrong state",
            #"{"profiles": [{"name": "P", "enabledProcesses": {"suspended": ["unblock-pin-offline"]}}]}"#,
            "$.profiles[0].enabledProcesses.suspended[0]"
        ),
        (
            "unknown process", #"{"profiles": [{"name": "P", "enabledProcesses": {"active": ["reset-pin"]}}]}"#,
            "$.profiles[0].enabledProcesses.active[0]"
        ),
        (
            "all-zero key",
            card(#""adminKey": {"algorithm": "3des", "hex": "000000000000000000000000000000000000000000000000"}"#),
            "$.cards[0].adminKey.hex"
        ),
        (
            "PIV default key",
            card(#""adminKey": {"algorithm": "3des", "hex": "010203040506070801020304050607080102030405060708"}"#),
            "$.cards[0].adminKey.hex"
        ),
        (
            "degenerate 3DES",
            card(#""adminKey": {"algorithm": "3des", "hex": "0123456789ABCDEF0123456789ABCDEF89ABCDEF01234567"}"#),
            "$.cards[0].adminKey.hex"
        ),
        (
            "short key", card(#""adminKey": {"algorithm": "aes128", "hex": "0123456789ABCDEF"}"#),
            "$.cards[0].adminKey.hex"
        ),
        (
            "bad algorithm", card(#""adminKey": {"algorithm": "des", "hex": "0123456789ABCDEF"}"#),
            "$.cards[0].adminKey.algorithm"
        ),
        (
            "hex and derive", card(#""adminKey": {"algorithm": "aes128", "hex": "00", "derive": true}"#),
            "$.cards[0].adminKey"
        ),
        (
            "unknown owner", card(#""adminKey": {"algorithm": "aes128", "derive": true}"#, owner: "mallory"),
            "$.cards[0].owner"
        ),
        (
            "unknown profile", card(#""adminKey": {"algorithm": "aes128", "derive": true}"#, profile: "Nope"),
            "$.cards[0].profile"
        ),
        (
            "existing serial", card(#""adminKey": {"algorithm": "aes128", "derive": true}"#, serial: "04782e21801d80"),
            "$.cards[0].serial"
        ),
        (
            "bad serial", card(#""adminKey": {"algorithm": "aes128", "derive": true}"#, serial: "XYZ"),
            "$.cards[0].serial"
        ),
        (
            "bad card state", card(#""adminKey": {"algorithm": "aes128", "derive": true}, "state": "lost""#),
            "$.cards[0].state"
        ),
        (
            "DES weak key as K2",
            card(#""adminKey": {"algorithm": "3des", "hex": "0123456789ABCDEFFEFEFEFEFEFEFEFE89ABCDEF01234567"}"#),
            "$.cards[0].adminKey.hex"
        ),
        ("short password", #"{"users": [{"username": "dave", "password": "elevenchars"}]}"#, "$.users[0].password"),
        (
            "demo password outside the demo file",
            #"{"users": [{"username": "dave", "password": "alice-demo-password"}]}"#, "$.users[0].password"
        ),
        ("demo flag not a boolean", #"{"demo": "yes"}"#, "$.demo"),
        (
            "hash weaker than the server's",
            // Well formed, with 999 iterations against the tests' 1,000.
            #"{"users": [{"username": "dave", "passwordHash": "$pbkdf2-sha256$i=999$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}"#,
            "$.users[0].passwordHash"
        ),
    ]

    @Test func invalidJSONIsPlacedByLineAndColumn() async throws {
        try await withTemporaryDirectory { folder in
            let store = try EmbeddedStore(configuration: configuration(folder))
            let json = "{\n  \"users\": [\n    {\"username\": \"dave\" \"password\": \"x\"}\n  ]\n}"
            do {
                _ = try await store.importDirectory(Data(json.utf8), passwordHasher: Self.hasher)
                Issue.record("imported")
            } catch let error as ImportError {
                #expect(error.problems.count == 1)
                #expect(error.description.contains("line 3, column 25"), "\(error)")
                #expect(!error.description.contains("not in the correct format"))
            }
            for (truncated, words) in [("{\"users\": [", "ends before"), ("  \n", "empty")] {
                do {
                    _ = try await store.importDirectory(Data(truncated.utf8), passwordHasher: Self.hasher)
                } catch let error as ImportError {
                    #expect(error.description.contains(words), "\(error)")
                }
            }
            try await store.close()
        }
    }

    @Test func problemsInTheFileAndAgainstTheStoreComeInOneReport() async throws {
        try await withTemporaryDirectory { folder in
            let store = try EmbeddedStore(configuration: configuration(folder))
            _ = try await store.importDirectory(try Data(contentsOf: Self.demo), passwordHasher: Self.hasher)
            // A key of the wrong length (found reading the file) beside an unknown owner, an unknown
            // profile, an existing serial and an existing user (found against the store).
            let json = #"""
                {"users": [{"username": "bob", "password": "a-long-enough-password"}],
                 "cards": [
                   {"serial": "04AA", "owner": "mallory", "profile": "Nope",
                    "adminKey": {"algorithm": "aes128", "hex": "0123456789ABCDEF"}},
                   {"serial": "04782E21801D80", "owner": "alice", "profile": "Employee Card",
                    "adminKey": {"algorithm": "aes128", "derive": true}}]}
                """#
            do {
                _ = try await store.importDirectory(Data(json.utf8), passwordHasher: Self.hasher)
                Issue.record("imported")
            } catch let error as ImportError {
                #expect(
                    Set(error.problems.map(\.path)) == [
                        "$.users[0].username", "$.cards[0].adminKey.hex", "$.cards[0].owner", "$.cards[0].profile",
                        "$.cards[1].serial",
                    ], "\(error)")
            }
            try await store.close()
        }
    }

    @Test func theDemoPasswordsAreAcceptedInAFileThatSaysItIsDemoData() async throws {
        try await withTemporaryDirectory { folder in
            let store = try EmbeddedStore(configuration: configuration(folder))
            let json = #"{"demo": true, "users": [{"username": "dave", "password": "alice-demo-password"}]}"#
            let summary = try await store.importDirectory(Data(json.utf8), passwordHasher: Self.hasher)
            #expect(summary.users == 1)
            try await store.close()
        }
    }

    static func card(
        _ key: String, owner: String = "alice", profile: String = "Employee Card", serial: String = "04FFFF"
    )
        -> String
    {
        #"{"cards": [{"serial": "\#(serial)", "owner": "\#(owner)", "profile": "\#(profile)", \#(key)}]}"#
    }

    @Test(arguments: invalid.indices)
    func anInvalidFileIsRefusedWholeWithItsJSONPath(_ index: Int) async throws {
        let (label, json, path) = Self.invalid[index]
        try await withTemporaryDirectory { folder in
            let store = try EmbeddedStore(configuration: configuration(folder))
            _ = try await store.importDirectory(try Data(contentsOf: Self.demo), passwordHasher: Self.hasher)
            let before = store.directory
            let sequence = store.lastSequence
            do {
                _ = try await store.importDirectory(Data(json.utf8), passwordHasher: Self.hasher)
                Issue.record("\(label): imported")
            } catch let error as ImportError {
                #expect(error.problems.contains { $0.path == path }, "\(label): \(error)")
            }
            #expect(store.lastSequence == sequence)
            #expect(store.directory == before)
            try await store.close()
        }
    }

    @Test func everyProblemIsReportedNotJustTheFirst() async throws {
        try await withTemporaryDirectory { folder in
            let store = try EmbeddedStore(configuration: configuration(folder))
            let json =
                #"{"users": [{"username": "", "password": "p"}, {"username": "b"}], "cards": [{"serial": "01"}]}"#
            do {
                _ = try await store.importDirectory(Data(json.utf8), passwordHasher: Self.hasher)
                Issue.record("imported")
            } catch let error as ImportError {
                #expect(error.problems.count >= 5, "\(error)")
                #expect(error.description.contains("nothing was imported"))
            }
            #expect(store.lastSequence == 0)
            try await store.close()
        }
    }
}
