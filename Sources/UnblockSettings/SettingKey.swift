// One setting a program reads from its flags, its environment and its configuration file.

/// A setting: the key it has in the configuration file (its option's name, without dashes),
/// the environment variable that may set it, what it takes, and its default.
public struct SettingKey: Sendable {
    public enum Kind: Sendable {
        case text
        case number(ClosedRange<Int>)
        /// A flag: true or false in the file, 1 or 0 (or true or false) in the environment.
        case toggle
        case choice([String])
        /// A repeatable option: a YAML list in the file; one variable with `separator` between items.
        case list(separator: Character)
    }

    public let name: String
    public let environment: String?
    public let kind: Kind
    public let defaultValue: String?
    /// Never printed by `config show`, and only allowed in a file others cannot read.
    public let isSecret: Bool

    public init(
        _ name: String, environment: String?, _ kind: Kind = .text, default defaultValue: String? = nil,
        isSecret: Bool = false
    ) {
        self.name = name
        self.environment = environment
        self.kind = kind
        self.defaultValue = defaultValue
        self.isSecret = isSecret
    }

    /// What is wrong with `value` for this setting, in the user's words; nil when it is fine.
    public func problem(with value: String) -> String? {
        switch kind {
        case .text, .list: return value.isEmpty ? "takes a value, not an empty one" : nil
        case .number(let range):
            guard let number = Int(value), range.contains(number) else {
                return "takes a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)"
            }
            return nil
        case .toggle:
            return Self.toggleValue(value) == nil ? "takes true or false, not \(value)" : nil
        case .choice(let choices):
            guard choices.contains(value) else {
                return "takes \(Self.alternatives(choices)), not \(value)"
            }
            return nil
        }
    }

    static func toggleValue(_ text: String) -> Bool? {
        switch text {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    /// "a, b or c".
    static func alternatives(_ words: [String]) -> String {
        guard let last = words.last, words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + last
    }
}
