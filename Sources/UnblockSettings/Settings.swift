// A program's settings from its environment and its configuration file, over swift-configuration.
import Configuration
import Foundation
import Synchronization
import SystemPackage

/// The settings a program reads beside its flags: its environment variables first, then its
/// configuration file, then the defaults. A flag given on the command line wins over all three;
/// the options' defaults come from here.
public struct Settings: Sendable {
    public enum Origin: Sendable, Equatable {
        case environment(String)
        case file(String)
        case defaultValue
        case unset
    }

    public let keys: [SettingKey]
    /// The configuration file read, if any.
    public let file: String?
    private let reader: ConfigReader
    private let environmentVariables: Set<String>
    private let fileKeys: Set<String>

    /// Reads and checks the environment's variables and the file (nil: none) for these keys.
    /// - Throws: `SettingsError` listing every unknown key and bad value, with the file, line and key.
    public static func load(
        keys: [SettingKey], file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(SettingsError) -> Settings {
        var problems: [String] = []
        var environmentValues: [AbsoluteConfigKey: ConfigValue] = [:]
        var environmentVariables: Set<String> = []
        for key in keys {
            guard let variable = key.environment, let value = environment[variable], !value.isEmpty else { continue }
            let items: [String]
            if case .list(let separator) = key.kind {
                items = value.split(separator: separator).map(String.init)
            } else {
                items = [value]
            }
            if let problem = items.lazy.compactMap(key.problem(with:)).first {
                problems.append("\(variable) (\(key.name)) \(problem)")
                continue
            }
            let content: ConfigContent =
                if case .list = key.kind { .stringArray(items) } else { .string(value) }
            environmentValues[AbsoluteConfigKey([key.name])] = ConfigValue(content, isSecret: key.isSecret)
            environmentVariables.insert(variable)
        }
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "environment", values: environmentValues)]
        var fileKeys: Set<String> = []
        if let file {
            do {
                let checked = try SettingsFile.check(path: file, keys: keys)
                problems += checked.problems
                fileKeys = checked.names
            } catch {
                problems.append(error.description)
            }
            if problems.isEmpty {
                do {
                    providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
                } catch {
                    problems.append("\(file): \(error)")
                }
            }
        }
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        return Settings(
            keys: keys, file: file, reader: ConfigReader(providers: providers),
            environmentVariables: environmentVariables, fileKeys: fileKeys)
    }

    public func key(_ name: String) -> SettingKey {
        guard let key = keys.first(where: { $0.name == name }) else {
            preconditionFailure("no setting \(name)")
        }
        return key
    }

    /// The value from the environment, else the file, else the default; nil for none.
    public func text(_ name: String) -> String? {
        let key = key(name)
        if case .list = key.kind { return list(name).first }
        return reader.string(forKey: ConfigKey(name)) ?? key.defaultValue
    }

    public func list(_ name: String) -> [String] {
        let key = key(name)
        return reader.stringArray(forKey: ConfigKey(name)) ?? key.defaultValue.map { [$0] } ?? []
    }

    public func toggle(_ name: String) -> Bool {
        text(name).flatMap(SettingKey.toggleValue) ?? false
    }

    public func number<Number: FixedWidthInteger>(_ name: String) -> Number? {
        text(name).flatMap { Number($0) }
    }

    public func origin(of name: String) -> Origin {
        let key = key(name)
        if let variable = key.environment, environmentVariables.contains(variable) { return .environment(variable) }
        if let file, fileKeys.contains(name) { return .file(file) }
        return key.defaultValue == nil ? .unset : .defaultValue
    }

    /// Every setting as a configuration file's line, with where it comes from in a comment;
    /// secrets masked, unset settings commented out. For `config show`.
    public func effectiveFile() -> [String] {
        keys.map { key in
            let from: String
            switch origin(of: key.name) {
            case .environment(let variable): from = variable
            case .file: from = "configuration file"
            case .defaultValue: from = "default"
            case .unset: return "# \(key.name): (not set)"
            }
            let value: String
            switch key.kind {
            case _ where key.isSecret: value = "\"********\""
            case .list: value = "[" + list(key.name).map(Self.quoted).joined(separator: ", ") + "]"
            case .number, .toggle: value = text(key.name) ?? ""
            case .text, .choice: value = Self.quoted(text(key.name) ?? "")
            }
            return "\(key.name): \(value)  # \(from)"
        }
    }

    /// A YAML double-quoted scalar (JSON's string syntax is YAML's).
    private static func quoted(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\"\""
    }
}

/// Everything wrong with a program's settings, each in one line naming where it is.
public struct SettingsError: Error, CustomStringConvertible {
    public let problems: [String]

    public init(problems: [String]) { self.problems = problems }

    public var description: String { problems.joined(separator: "\n") }
}

/// The settings the running program loaded at its start, read by its options' defaults.
public enum Setting {
    private static let installed = Mutex<Settings?>(nil)

    public static func install(_ settings: Settings) { installed.withLock { $0 = settings } }

    public static var current: Settings {
        guard let settings = installed.withLock({ $0 }) else { preconditionFailure("settings read before loading") }
        return settings
    }

    public static func text(_ name: String) -> String? { current.text(name) }
    /// The value of a setting that has a default.
    public static func string(_ name: String) -> String {
        guard let value = current.text(name) else { preconditionFailure("\(name) has no default") }
        return value
    }
    public static func list(_ name: String) -> [String] { current.list(name) }
    public static func toggle(_ name: String) -> Bool { current.toggle(name) }
    /// The value of a number setting that has a default.
    public static func number<Number: FixedWidthInteger>(_ name: String) -> Number {
        guard let value: Number = current.number(name) else { preconditionFailure("\(name) has no default") }
        return value
    }
}
