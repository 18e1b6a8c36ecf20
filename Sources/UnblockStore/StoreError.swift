// The typed error of the store: what failed, naming the file and offset where it matters.
#if canImport(Glibc)
    import Glibc
#endif

/// A store that cannot open, recover, write or import.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case locked, corrupt, io, failed, invalidImport, conflict, notFound, tooLarge, invalidArgument
            case masterKeyPassphrase, unavailable
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// Another process holds the data directory.
        public static let locked = Code(.locked)
        /// A snapshot or journal is damaged beyond the torn tail a crash may leave.
        public static let corrupt = Code(.corrupt)
        /// A file operation failed (the message names the file and the system's reason).
        public static let io = Code(.io)
        /// An earlier write or sync failed; the store refuses writes until restarted.
        public static let failed = Code(.failed)
        /// A directory file to import has problems (the message lists each with its JSON path).
        public static let invalidImport = Code(.invalidImport)
        /// A change conflicts with what is there (duplicate username or serial).
        public static let conflict = Code(.conflict)
        /// A named thing does not exist.
        public static let notFound = Code(.notFound)
        /// A change too large to journal as one record (nothing was applied).
        public static let tooLarge = Code(.tooLarge)
        /// A request that cannot be carried out as given (a relative path, a directory not empty).
        public static let invalidArgument = Code(.invalidArgument)
        /// The master key file is protected by a passphrase, and none (or a wrong one) was given.
        public static let masterKeyPassphrase = Code(.masterKeyPassphrase)
        /// The database holding the store cannot be reached now; the change was not made.
        public static let unavailable = Code(.unavailable)

        public var description: String { "\(wrapped)" }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// An I/O error with the system's reason for the last failed call.
    static func io(_ what: String) -> StoreError {
        StoreError(code: .io, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
