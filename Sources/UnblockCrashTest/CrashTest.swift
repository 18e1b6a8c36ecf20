// unblock-crashtest: records a run of the embedded store, then checks the file trees a power
// cut at chosen points of it could leave. Usage: unblock-crashtest [POINTS] [SEED] [--trees N]
// [--commits N] [--folder DIR] [--no-sync]; a loss is printed with its seed and point, and its tree saved.
import Foundation
import UnblockStore

@main
enum CrashTest {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        let positional = arguments.enumerated().filter { index, argument in
            !argument.hasPrefix("--") && (index == 0 || !arguments[index - 1].hasPrefix("--"))
        }.map(\.element)
        guard let points = Int(positional.first ?? "1000"), points > 0,
            let seed = UInt64(positional.dropFirst().first ?? "1")
        else {
            FileHandle.standardError.write(
                Data("usage: unblock-crashtest [POINTS] [SEED] [--trees N] [--commits N] [--folder DIR]\n".utf8))
            exit(64)
        }
        let trees = Int(option("--trees") ?? "3") ?? 3
        let commits = Int(option("--commits") ?? "150") ?? 150
        let folder = option("--folder") ?? NSTemporaryDirectory() + "unblock-crashtest-\(seed)"

        var random = SplitMix64(seed: seed)
        let started = ContinuousClock.now
        // --no-sync: a store that acknowledges before syncing, which the check must catch.
        let fsync: FsyncPolicy = arguments.contains("--no-sync") ? .none : .always
        let workload = try await CrashWorkload.record(
            commits: commits, in: folder + "/data", fsync: fsync, using: &random)
        let operations = workload.operations
        let chosen = (0..<points).map { _ in Int.random(in: 0...operations.count, using: &random) }.sorted()
        var model = CrashModel()
        var applied = 0
        var checked = 0
        var losses: [CrashLoss] = []
        for point in chosen {
            while applied < point {
                model.apply(operations[applied])
                applied += 1
            }
            for tree in 0..<trees {
                // Each tree from a generator of its own: a loss replays from its seed, point and tree alone.
                var treeRandom = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(point) &* 31 &+ UInt64(tree))
                let files = model.tree(using: &treeRandom)
                checked += 1
                guard let reason = CrashCheck.check(files, acknowledged: model.acknowledged, workload: workload) else {
                    continue
                }
                losses.append(CrashLoss(point: point, tree: tree, reason: reason))
                let saved = "\(folder)/lost/point-\(point)-tree-\(tree)"
                try? FileManager.default.createDirectory(atPath: saved, withIntermediateDirectories: true)
                for (path, bytes) in files {
                    _ = FileManager.default.createFile(
                        atPath: saved + "/" + (path as NSString).lastPathComponent, contents: Data(bytes))
                }
            }
        }
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        print(
            "\(checked) crash states checked, \(losses.count) lost (\(operations.count) file operations, \(commits) commits, "
                + "seed \(seed), \(Int(seconds)) s)")
        print("operations: " + OperationKind.counts(operations))
        for loss in losses.prefix(20) {
            print("lost: seed \(seed), \(loss) (tree saved in \(folder)/lost/point-\(loss.point)-tree-\(loss.tree))")
        }
        if losses.count > 20 { print("... and \(losses.count - 20) more") }
        if losses.isEmpty { try? FileManager.default.removeItem(atPath: folder) }
        exit(losses.isEmpty ? 0 : 1)
    }
}

/// A small generator whose sequence depends on its seed alone (Vigna's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
