// How many of something each key holds, each under a limit: connections per client, checks per user.

/// Counts per key; a key whose count falls to zero is forgotten, so the table holds only
/// keys in use.
struct CountsByKey<Key: Hashable> {
    private var counts: [Key: Int] = [:]

    /// The count of `key` (0 when absent).
    subscript(key: Key) -> Int { counts[key, default: 0] }

    /// Counts one more for `key`, unless it already has `limit`.
    mutating func take(_ key: Key, limit: Int) -> Bool {
        let count = counts[key, default: 0]
        guard count < limit else { return false }
        counts[key] = count + 1
        return true
    }

    /// Counts one less for `key`.
    mutating func give(_ key: Key) {
        let count = counts[key, default: 1] - 1
        counts[key] = count > 0 ? count : nil
    }
}
