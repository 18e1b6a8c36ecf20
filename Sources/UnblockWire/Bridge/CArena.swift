// Owns the C memory a message under construction points into, freed all at once.
import CProtobufC

/// Scratch memory for building protobuf-c structs from Swift values.
///
/// protobuf-c messages hold raw pointers (NUL-terminated strings, arrays, sub-messages).
/// Everything the arena hands out stays valid until the arena is released; use it
/// only inside `withArena` so that nothing outlives it.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    private init() {}

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// Runs `body` with a fresh arena and frees it afterwards.
    static func withArena<Result>(_ body: (CArena) throws -> Result) rethrows -> Result {
        let arena = CArena()
        return try withExtendedLifetime(arena) { try body(arena) }
    }

    private func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: count)
        blocks.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// A NUL-terminated copy of `string`.
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let pointer = allocate(CChar.self, count: utf8.count + 1)
            UnsafeMutableRawPointer(pointer).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count)
            pointer[utf8.count] = 0
            return pointer
        }
    }

    /// A protobuf-c bytes field holding a copy of `bytes`.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A C array holding `values` (nil when empty, as protobuf-c expects).
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(T.self, count: values.count)
        pointer.initialize(from: values, count: values.count)
        return pointer
    }

    /// The C struct of `message`, built in this arena.
    func message<Message: WireMessage, CMessage>(_ message: Message, as: CMessage.Type) -> UnsafeMutablePointer<
        CMessage
    > {
        Message.wireType.build(message, self).assumingMemoryBound(to: CMessage.self)
    }

    /// A C array of pointers to the C structs of `messages`.
    func messages<Message: WireMessage, CMessage>(
        _ messages: [Message],
        as type: CMessage.Type
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CMessage>?>? {
        array(messages.map { Optional(message($0, as: type)) })
    }

    /// Raw storage for one C message struct, left uninitialised for its generated `__init`.
    func uninitialized<CMessage>(_ type: CMessage.Type) -> UnsafeMutablePointer<CMessage> {
        allocate(type, count: 1)
    }
}
