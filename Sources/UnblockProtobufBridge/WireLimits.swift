// Size limits the parsers enforce on every field, so hostile input cannot make them allocate freely.

/// Upper bounds on decoded fields; a field over its bound is a `WireError.fieldTooLong`.
public enum WireLimits {
    /// Largest string field, in UTF-8 bytes (usernames, passwords, challenges, names).
    public static let maxStringBytes = 4096
    /// Largest bytes field inside a method's message (response bytes, key check values).
    public static let maxSmallBytes = 1024
    /// Default largest frame, length prefix excluded (what a client accepts from a server).
    public static let defaultMaxFrameBytes = 4 * 1024 * 1024
    /// Default largest request frame a server accepts: no request needs more, and every byte
    /// of a partial frame is memory a client makes the server hold.
    public static let defaultMaxRequestFrameBytes = 64 * 1024
}
