// The typed error of every parse and frame check in the wire module.

/// A message or frame that breaks the wire contract.
///
/// Parsing never crashes on hostile input: it throws one of these, naming the
/// offending field, so that the server can answer `INVALID_ARGUMENT` with a
/// message a client developer can act on.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of contract violation.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case malformedMessage, unknownEnumValue, invalidUTF8, embeddedNUL, fieldTooLong, frameTooLarge
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The bytes are not a valid protobuf encoding of the expected message.
        public static let malformedMessage = Code(.malformedMessage)
        /// An enum field holds a number the contract does not define.
        public static let unknownEnumValue = Code(.unknownEnumValue)
        /// A string field is not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A string field holds a NUL character (which C strings would cut it at).
        public static let embeddedNUL = Code(.embeddedNUL)
        /// A string or bytes field is longer than its limit.
        public static let fieldTooLong = Code(.fieldTooLong)
        /// A frame's length prefix is over the configured maximum.
        public static let frameTooLarge = Code(.frameTooLarge)

        public var description: String { "\(wrapped)" }
    }

    /// The kind of violation.
    public var code: Code
    /// What is wrong, naming the field or the limit.
    public var message: String

    /// Creates an error; `message` must never contain secrets (passwords, keys).
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
