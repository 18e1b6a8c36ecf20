// A dictionary cut into shards, each its own copy-on-write table: a change to a shared copy copies one shard, not all.

/// The directory's large tables. A snapshot holds a copy of the directory while it is
/// written (seconds, for a million cards); the first change after that used to copy the
/// whole table it touched, under the store's exclusive lock: a million cards took about a
/// second, during which no call was served, and doubled the table's memory. Cut into
/// shards, a change copies only its own shard (1/64 of the table), and the rest is shared
/// until changed.
public struct ShardedDictionary<Key: Hashable & ShardKey & Sendable, Value: Sendable>: Sendable {
    /// A power of two: the shard is the key's shard hash modulo this.
    static var shardCount: Int { 64 }

    private var shards: [[Key: Value]]

    init() {
        shards = Array(repeating: [:], count: Self.shardCount)
    }

    private static func shard(of key: Key) -> Int { key.shardHash & (shardCount - 1) }

    /// The value for `key`, changed in place (no copy of the value when nothing else holds it).
    subscript(key: Key) -> Value? {
        get { shards[Self.shard(of: key)][key] }
        _modify { yield &shards[Self.shard(of: key)][key] }
    }

    /// Sets `value` for `key`; the value it replaced, if any.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        shards[Self.shard(of: key)].updateValue(value, forKey: key)
    }

    /// Room for `count` entries in all, spread evenly (keys spread evenly over the shards).
    mutating func reserveCapacity(_ count: Int) {
        let perShard = (count + Self.shardCount - 1) / Self.shardCount
        for index in shards.indices { shards[index].reserveCapacity(perShard) }
    }

    /// Entries in all shards.
    public var count: Int { shards.reduce(0) { $0 + $1.count } }

    public var isEmpty: Bool { shards.allSatisfy(\.isEmpty) }

    /// Every value, shard by shard (in no particular order, as a dictionary's).
    public var values: FlattenSequence<LazyMapSequence<[[Key: Value]], Dictionary<Key, Value>.Values>> {
        shards.lazy.map(\.values).joined()
    }
}

extension ShardedDictionary: Sequence {
    /// Every entry, shard by shard.
    public func makeIterator() -> FlattenSequence<[[Key: Value]]>.Iterator {
        shards.joined().makeIterator()
    }
}

extension ShardedDictionary: Equatable where Value: Equatable {
    /// Same entries (a key is always in the same shard).
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.shards == rhs.shards }
}

/// A cheap hash that picks a key's shard; it must spread the keys evenly over the low bits.
public protocol ShardKey {
    /// Any value whose low bits differ from key to key (not a secure hash).
    var shardHash: Int { get }
}

extension String: ShardKey {
    /// FNV-1a over the UTF-8 bytes: a few nanoseconds for a serial or a username.
    public var shardHash: Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}

extension CardID: ShardKey {
    /// Ids are handed out in sequence: their low bits spread evenly.
    public var shardHash: Int { Int(truncatingIfNeeded: rawValue) }
}

extension AccountID: ShardKey {
    /// Ids are handed out in sequence: their low bits spread evenly.
    public var shardHash: Int { Int(rawValue) }
}
