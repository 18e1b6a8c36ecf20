// One fuzz input as the records of a journal or a snapshot file, through the store's recovery.
import UnblockStore

/// The input's first byte picks a journal (even) or a snapshot (odd); the rest is records,
/// each after a 2-byte little-endian length, framed with valid checksums as the store writes
/// them, so that the fuzzer reaches what the checksums protect: recovery may refuse, never crash.
enum StoreFuzzing {
    static func check(_ bytes: UnsafeRawBufferPointer) {
        guard let kind = bytes.first else { return }
        var records: [[UInt8]] = []
        var offset = 1
        while offset + 2 <= bytes.count {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            let start = offset + 2
            let end = min(bytes.count, start + length)
            records.append(Array(bytes[start..<end]))
            offset = end
        }
        _ =
            kind % 2 == 0
            ? RecoveryFuzzing.recoverJournal(records: records) : RecoveryFuzzing.recoverSnapshot(records: records)
    }
}
