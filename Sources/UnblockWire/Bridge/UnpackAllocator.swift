// A protobuf-c allocator that serves unpacking from a stack buffer, so parsing costs no malloc.
import CProtobufC
import Glibc

/// Bump allocation for one `unpack` call: protobuf-c's many small allocations (the struct,
/// each string, each array) come from one scratch buffer (on the stack when small); only
/// what does not fit goes to malloc. `free` ignores pointers inside the buffer, which
/// vanishes when the parse returns.
package enum UnpackAllocator {
    package static let stackBytes = 4096

    /// A valid pointer for zero-length input.
    nonisolated(unsafe) static let emptyInput = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    private struct Bump {
        var cursor: UnsafeMutableRawPointer
        let start: UnsafeMutableRawPointer
        let end: UnsafeMutableRawPointer
    }

    /// Runs `body` with an allocator over `scratchBytes` of scratch memory, valid only inside it.
    package static func withAllocator<Result>(
        scratchBytes: Int = stackBytes,
        _ body: (UnsafeMutablePointer<ProtobufCAllocator>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(byteCount: scratchBytes, alignment: 16) { buffer in
            var bump = Bump(
                cursor: buffer.baseAddress!, start: buffer.baseAddress!, end: buffer.baseAddress! + buffer.count)
            return withUnsafeMutablePointer(to: &bump) { bumpPointer in
                var allocator = ProtobufCAllocator(
                    alloc: { data, size in
                        let bump = data!.assumingMemoryBound(to: Bump.self)
                        let aligned = (size + 15) & ~15
                        if bump.pointee.end - bump.pointee.cursor >= aligned {
                            defer { bump.pointee.cursor += aligned }
                            return bump.pointee.cursor
                        }
                        return malloc(size)
                    },
                    free: { data, pointer in
                        guard let pointer else { return }
                        let bump = data!.assumingMemoryBound(to: Bump.self)
                        if pointer < bump.pointee.start || pointer >= bump.pointee.end { Glibc.free(pointer) }
                    },
                    allocator_data: UnsafeMutableRawPointer(bumpPointer)
                )
                return body(&allocator)
            }
        }
    }
}
