// Queries over the two in-memory audit trails: merged by sequence, bounded, filtered, in either order.
import Testing
import UnblockCore

@Suite struct AuditQueryTests {
    /// Events 1...40: every third a login (its own trail), the others unblocks of two users.
    static let directory: Directory = {
        var directory = Directory()
        for index in 1...40 {
            let login = index % 3 == 0
            directory.apply(
                .audit(
                    AuditEvent(
                        at: Timestamp(milliseconds: Int64(index) * 1_000), actor: index % 2 == 0 ? "alice" : "bob",
                        action: login ? AuditEvent.loginAction : "unblock-pin-offline",
                        target: login ? "x" : "c-\(index % 4)", outcome: "success")))
        }
        return directory
    }()

    static func sequences(_ configure: (inout AuditQuery) -> Void) -> [UInt64] {
        var query = AuditQuery()
        configure(&query)
        return directory.auditEvents(query).map(\.sequence)
    }

    @Test func bothTrailsMergeInEitherOrder() {
        #expect(Self.sequences { $0.limit = 7 } == [40, 39, 38, 37, 36, 35, 34])
        #expect(
            Self.sequences {
                $0.limit = 5; $0.newestFirst = false
            } == [1, 2, 3, 4, 5])
        #expect(Self.sequences { $0.limit = 100 } == Array((1...40).reversed()))
    }

    @Test func sequenceBoundsPageWithoutGapsOrRepeats() {
        var seen: [UInt64] = []
        var before = UInt64.max
        while true {
            let page = Self.sequences {
                $0.limit = 6; $0.beforeSequence = before
            }
            if page.isEmpty { break }
            seen += page
            before = page.last!
        }
        #expect(seen == Array((1...40).reversed()))
        #expect(
            Self.sequences {
                $0.afterSequence = 37; $0.newestFirst = false
            } == [38, 39, 40])
    }

    @Test func filtersCombine() {
        #expect(
            Self.sequences { $0.action = AuditEvent.loginAction } == [39, 36, 33, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3])
        #expect(
            Self.sequences {
                $0.user = "alice"; $0.action = "unblock-pin-offline"; $0.limit = 3
            } == [40, 38, 34])
        #expect(
            Self.sequences {
                $0.target = "c-1"; $0.newestFirst = false; $0.limit = 3
            } == [1, 5, 13])
        #expect(
            Self.sequences {
                $0.since = Timestamp(milliseconds: 10_000)
                $0.until = Timestamp(milliseconds: 12_000)
            } == [12, 11, 10])
        #expect(Self.sequences { $0.user = "nobody" }.isEmpty)
    }
}
