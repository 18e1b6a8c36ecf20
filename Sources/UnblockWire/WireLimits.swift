// Size limits the parsers enforce on every field, so hostile input cannot make them allocate freely.

/// Upper bounds on decoded fields; a field over its bound is a `WireError.fieldTooLong`.
public enum WireLimits {
    /// Largest string field, in UTF-8 bytes (usernames, passwords, challenges, names).
    public static let maxStringBytes = 4096
    /// Largest bytes field inside a method's message (response bytes, key check values).
    public static let maxSmallBytes = 1024
    /// Default largest frame, length prefix excluded.
    public static let defaultMaxFrameBytes = 4 * 1024 * 1024
}
