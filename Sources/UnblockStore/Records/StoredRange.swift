// The ranges the store writes: a record outside them is damage, refused when read rather than trapping later.
import UnblockCore
import UnblockProtobufBridge

/// Checks on numbers read back from disk. The store never writes an id or a sequence at its
/// type's maximum (the next one would not fit), a time outside years 1970 to 9999, or counters
/// past what its rules reach; a checksummed record holding one was written by a bug or by
/// hand, and arithmetic on it later (the next id, a time plus a window) would trap the server.
enum StoredRange {
    /// Milliseconds from 1970 to the end of year 9999.
    static let timestamps: ClosedRange<Int64> = 0...253_402_300_799_999
    /// Failed logins and lockouts: far beyond what the login policy counts to.
    static let counters: ClosedRange<UInt32> = 0...1_000_000

    /// `value` unless it is its type's maximum.
    static func identifier<Value: FixedWidthInteger>(_ value: Value, field: String) throws(WireError) -> Value {
        guard value < Value.max else { throw outOfRange(field, value) }
        return value
    }

    static func timestamp(_ milliseconds: Int64, field: String) throws(WireError) -> Timestamp {
        guard timestamps.contains(milliseconds) else { throw outOfRange(field, milliseconds) }
        return Timestamp(milliseconds: milliseconds)
    }

    static func counter(_ value: UInt32, field: String) throws(WireError) -> UInt32 {
        guard counters.contains(value) else { throw outOfRange(field, value) }
        return value
    }

    private static func outOfRange(_ field: String, _ value: some BinaryInteger) -> WireError {
        WireError(code: .malformedMessage, message: "\(field) \(value) is outside the range the store writes")
    }
}
