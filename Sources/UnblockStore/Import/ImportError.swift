// Every problem found in a directory file, each with its JSON path.

/// One problem in a directory file.
public struct ImportProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where, e.g. `$.cards[2].adminKey.hex`.
    public var path: String
    /// What is wrong, in words an operator can act on.
    public var message: String

    public var description: String { "\(path): \(message)" }
}

/// A directory file that cannot be imported; nothing of it was applied.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var problems: [ImportProblem]

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "the directory file has \(count); nothing was imported:\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
