// OpenedKeyCache: a key is opened once per source; anything that differs opens again; bounded.
import Testing
import UnblockCrypto

@Suite struct OpenedKeyCacheTests {
    let key: AdminKey

    init() throws {
        key = try AdminKey(algorithm: .aes128, bytes: (1...16).map { UInt8($0) })
    }

    func source(
        card: String = "c-1", version: UInt32 = 1, material: [UInt8] = [1, 2, 3], derived: Bool = false,
        checkValue: [UInt8] = [9, 9, 9]
    ) -> OpenedKeyCache.Source {
        OpenedKeyCache.Source(
            algorithm: .aes128, cardID: card, keyVersion: version, material: material, derived: derived,
            checkValue: checkValue)
    }

    @Test func opensOncePerSource() throws {
        let cache = OpenedKeyCache()
        var opened = 0
        for _ in 0..<3 {
            _ = cache.key(for: source()) {
                opened += 1
                return key
            }
        }
        #expect(opened == 1)
    }

    @Test func anyDifferenceInTheSourceOpensAgain() {
        let cache = OpenedKeyCache()
        var opened = 0
        let sources = [
            source(), source(card: "c-2"), source(version: 2), source(material: [1, 2, 4]), source(derived: true),
            source(checkValue: [9, 9, 8]),
        ]
        for source in sources {
            _ = cache.key(for: source) {
                opened += 1
                return key
            }
        }
        #expect(opened == sources.count)
    }

    @Test func aFailedOpenKeepsNothing() {
        struct Refused: Error {}
        let cache = OpenedKeyCache()
        #expect(throws: Refused.self) { try cache.key(for: source()) { () throws(Refused) in throw Refused() } }
        #expect(cache.count == 0)
    }

    @Test func theOldestKeyLeavesFirst() {
        let cache = OpenedKeyCache(capacity: 2)
        var opened: [String] = []
        for card in ["a", "b", "c", "b", "a"] {
            _ = cache.key(for: source(card: card)) {
                opened.append(card)
                return key
            }
        }
        // "a" left when "c" came in; "b" was still held.
        #expect(opened == ["a", "b", "c", "a"])
        #expect(cache.count == 2)
    }
}
