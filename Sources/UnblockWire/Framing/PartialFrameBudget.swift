// A bound on the memory that frames still arriving hold, across every connection of a server.
import Synchronization

/// Bytes the server may hold for frames whose remaining bytes have not arrived yet. A client
/// that sends the start of a large frame and stops makes the server keep that memory; many
/// such clients together are held to this budget instead of the machine's memory.
public final class PartialFrameBudget: Sendable {
    /// The most bytes held at once.
    public let limit: Int
    private let used = Atomic(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Bytes held now.
    public var inUse: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while current + bytes <= limit {
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }
}
