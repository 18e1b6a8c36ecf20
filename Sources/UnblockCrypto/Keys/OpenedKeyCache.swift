// Admin keys a worker has already opened and checked, so that a card used again skips the unsealing.
import UnblockCore

/// A worker's admin keys, opened (unsealed or derived) and checked against their key check
/// value, by where they came from.
///
/// Opening a sealed key and checking it costs several times what answering with a key
/// already open does (its schedule stays in the worker's `BlockCipher` too).
/// The source names everything the opening and its check depended on (algorithm, card,
/// key version, the sealed bytes or the derivation input, the stored check value), so a
/// changed key or check value, or sealed bytes copied to another card, is never answered
/// from the cache. Bounded: the oldest key leaves first,
/// and a key that leaves is wiped when its last user lets go of it (`SecretBytes`).
/// Not thread-safe: one worker, one cache.
public final class OpenedKeyCache {
    /// What an admin key was opened from.
    public struct Source: Hashable, Sendable {
        public var algorithm: AdminKeyAlgorithm
        public var cardID: String
        public var keyVersion: UInt32
        /// The sealed key, or for a derived key the input of the derivation (the serial).
        public var material: [UInt8]
        public var derived: Bool
        /// The check value the key was verified against.
        public var checkValue: [UInt8]

        public init(
            algorithm: AdminKeyAlgorithm,
            cardID: String,
            keyVersion: UInt32,
            material: [UInt8],
            derived: Bool,
            checkValue: [UInt8]
        ) {
            self.algorithm = algorithm
            self.cardID = cardID
            self.keyVersion = keyVersion
            self.material = material
            self.derived = derived
            self.checkValue = checkValue
        }

        /// The byte arrays as blocks: hashing them element by element cost more than the cipher.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(algorithm)
            hasher.combine(cardID)
            hasher.combine(keyVersion)
            hasher.combine(derived)
            material.withUnsafeBytes { hasher.combine(bytes: $0) }
            checkValue.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    public let capacity: Int
    private var keys: [Source: (key: AdminKey, openedAt: ContinuousClock.Instant)] = [:]
    /// Sources in the order they came in, for eviction: a ring of `capacity`.
    private var order: [Source?]
    private var next = 0

    public init(capacity: Int = 1_024) {
        precondition(capacity >= 1)
        self.capacity = capacity
        order = Array(repeating: nil, count: capacity)
    }

    /// The key for `source`: from the cache, or from `open` (which must check it), then kept.
    /// - Throws: whatever `open` throws; nothing is kept then.
    public func key<Failure: Error>(for source: Source, open: () throws(Failure) -> AdminKey) throws(Failure)
        -> AdminKey
    {
        if let entry = keys[source] { return entry.key }
        let key = try open()
        if let evicted = order[next] { keys[evicted] = nil }
        order[next] = source
        next = (next + 1) % capacity
        keys[source] = (key, .now)
        return key
    }

    /// Forgets the keys opened before `horizon` (each wiped once its last user lets go).
    public func removeKeys(openedBefore horizon: ContinuousClock.Instant) {
        keys = keys.filter { $0.value.openedAt >= horizon }
        for index in order.indices where order[index].map({ keys[$0] == nil }) ?? false { order[index] = nil }
    }

    /// The never-reused identities of the keys held (see `SecretBytes.identity`).
    var identities: Set<UInt64> { Set(keys.values.map(\.key.material.identity)) }

    /// Keys held now.
    public var count: Int { keys.count }
}
