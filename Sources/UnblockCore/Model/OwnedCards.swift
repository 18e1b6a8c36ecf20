// The cards one account owns: inline for the usual one or two, an array beyond.

/// A small list of card ids that allocates nothing for up to two cards (most people hold
/// one or two), which matters when the owner index has 500,000 entries.
struct OwnedCards: Sendable {
    private enum Storage: Sendable {
        case one(CardID)
        case two(CardID, CardID)
        case many([CardID])
    }

    private var storage: Storage

    init(_ id: CardID) {
        storage = .one(id)
    }

    var ids: [CardID] {
        switch storage {
        case .one(let first): [first]
        case .two(let first, let second): [first, second]
        case .many(let ids): ids
        }
    }

    public var count: Int {
        switch storage {
        case .one: 1
        case .two: 2
        case .many(let ids): ids.count
        }
    }

    /// Calls `body` with each id, in order, without building an array for one or two.
    func forEach(_ body: (CardID) -> Void) {
        switch storage {
        case .one(let first): body(first)
        case .two(let first, let second):
            body(first)
            body(second)
        case .many(let ids): ids.forEach(body)
        }
    }

    mutating func append(_ id: CardID) {
        switch storage {
        case .one(let first): storage = .two(first, id)
        case .two(let first, let second): storage = .many([first, second, id])
        case .many(var ids):
            storage = .one(id)  // drop the array's reference so that the append below does not copy it
            ids.append(id)
            storage = .many(ids)
        }
    }

    /// Removes `id`; returns false when nothing is left.
    mutating func remove(_ id: CardID) -> Bool {
        let left = ids.filter { $0 != id }
        switch left.count {
        case 0: return false
        case 1: storage = .one(left[0])
        case 2: storage = .two(left[0], left[1])
        default: storage = .many(left)
        }
        return true
    }
}
