// A protobuf-c allocator that serves unpacking from a stack buffer, so parsing costs no malloc.
import CProtobufC
import Glibc

/// Bump allocation for one `unpack` call: protobuf-c's many small allocations (the struct,
/// each string, each array) come from one scratch buffer (on the stack when small); only
/// what does not fit goes to malloc. `free` ignores pointers inside the buffer, which
/// vanishes when the parse returns.
@usableFromInline package enum UnpackAllocator {
    /// Swift's temporary allocations stay on the stack only up to 1 KiB; past that they are malloc'd.
    @usableFromInline package static let stackBytes = 1024

    /// A valid pointer for zero-length input.
    @usableFromInline nonisolated(unsafe) static let emptyInput = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    @usableFromInline struct Bump {
        @usableFromInline var cursor: UnsafeMutableRawPointer
        @usableFromInline let start: UnsafeMutableRawPointer
        @usableFromInline let end: UnsafeMutableRawPointer
        /// Whether anything went to malloc (and so must be freed).
        @usableFromInline var spilled = false

        @usableFromInline init(
            cursor: UnsafeMutableRawPointer, start: UnsafeMutableRawPointer, end: UnsafeMutableRawPointer
        ) {
            self.cursor = cursor
            self.start = start
            self.end = end
        }
    }

    @usableFromInline static let alloc: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = {
        data, size in
        let bump = data!.assumingMemoryBound(to: Bump.self)
        let aligned = (size + 15) & ~15
        if bump.pointee.end - bump.pointee.cursor >= aligned {
            defer { bump.pointee.cursor += aligned }
            return bump.pointee.cursor
        }
        bump.pointee.spilled = true
        return malloc(size)
    }

    @usableFromInline static let free: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = {
        data, pointer in
        guard let pointer else { return }
        let bump = data!.assumingMemoryBound(to: Bump.self)
        if pointer < bump.pointee.start || pointer >= bump.pointee.end { Glibc.free(pointer) }
    }

    /// Runs `body` with an allocator over `scratchBytes` of scratch memory, valid only inside it.
    @inlinable package static func withAllocator<Result>(
        scratchBytes: Int = stackBytes,
        _ body: (UnsafeMutablePointer<ProtobufCAllocator>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(byteCount: scratchBytes, alignment: 16) { buffer in
            var bump = Bump(
                cursor: buffer.baseAddress!, start: buffer.baseAddress!, end: buffer.baseAddress! + buffer.count)
            return withUnsafeMutablePointer(to: &bump) { bumpPointer in
                var allocator = ProtobufCAllocator(
                    alloc: alloc, free: free, allocator_data: UnsafeMutableRawPointer(bumpPointer))
                return body(&allocator)
            }
        }
    }

    /// Whether memory unpacked with `allocator` must be given back with `free_unpacked`: false
    /// only for this scratch allocator when nothing spilled to malloc, since the scratch memory
    /// goes away by itself (walking the message to free nothing costs as much as a small unpack).
    @inlinable package static func needsFree(_ allocator: UnsafeMutablePointer<ProtobufCAllocator>) -> Bool {
        guard let data = allocator.pointee.allocator_data,
            unsafeBitCast(allocator.pointee.free, to: UnsafeRawPointer?.self)
                == unsafeBitCast(free, to: UnsafeRawPointer.self)
        else { return true }
        return data.assumingMemoryBound(to: Bump.self).pointee.spilled
    }
}
