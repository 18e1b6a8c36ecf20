// The configuration file's check: every key known, every value allowed, named by file and line.
import Foundation
import Yams

enum SettingsFile {
    struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    /// The keys the file sets, and what is wrong in it (empty when nothing is).
    static func check(path: String, keys: [SettingKey]) throws(Unreadable) -> (names: Set<String>, problems: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "\(path): cannot be read (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Unreadable(description: "\(path): not UTF-8 text")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Unreadable(description: "\(path): not valid YAML: \(Self.summary(of: error))")
        }
        guard let root else { return ([], []) }
        guard let mapping = root.mapping else {
            throw Unreadable(description: "\(path): expected KEY: VALUE lines, e.g. data-dir: /var/lib/unblockd")
        }
        var names: Set<String> = []
        var problems: [String] = []
        for (keyNode, valueNode) in mapping {
            let place = "\(path), line \(keyNode.mark?.line ?? 0)"
            guard let name = keyNode.string, let key = keys.first(where: { $0.name == name }) else {
                let name = keyNode.string ?? "?"
                problems.append("\(place): unknown key \"\(name)\"" + suggestion(for: name, among: keys))
                continue
            }
            names.insert(name)
            // `key:` with nothing after it is an empty scalar: no value.
            let scalar = valueNode.scalar.flatMap { $0.string.isEmpty ? nil : [$0.string] }
            let values: [String]?
            if case .list = key.kind {
                values = valueNode.sequence.map { $0.compactMap(\.scalar?.string) } ?? scalar
            } else {
                values = scalar
            }
            guard let values, !values.isEmpty else {
                problems.append("\(place): \(name) takes \(example(for: key))")
                continue
            }
            if let problem = values.lazy.compactMap(key.problem(with:)).first {
                problems.append("\(place): \(name) \(problem)")
            }
        }
        if let secret = keys.first(where: { $0.isSecret && names.contains($0.name) }),
            let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
            mode & 0o004 != 0
        {
            problems.append(
                "\(path): holds \(secret.name), but every local user can read it; chmod o-r \(path)")
        }
        return (names, problems)
    }

    private static func example(for key: SettingKey) -> String {
        switch key.kind {
        case .list: "a list, e.g. [\"first\", \"second\"]"
        case .toggle: "true or false"
        case .number(let range): "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .choice(let choices): SettingKey.alternatives(choices)
        case .text: "a value"
        }
    }

    /// "; did you mean ...?" for a key a letter or two away from a known one.
    private static func suggestion(for name: String, among keys: [SettingKey]) -> String {
        let closest = keys.map { ($0.name, distance(name, $0.name)) }.min { $0.1 < $1.1 }
        guard let closest, closest.1 <= 3 else { return " (the keys are the options' names without their dashes)" }
        return "; did you mean \(closest.0)?"
    }

    /// Levenshtein's edit distance.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// YAML's own message, without the document it quotes back.
    private static func summary(of error: any Error) -> String {
        guard let error = error as? YamlError else { return "\(error)" }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "line \(mark.line): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "the key \(duplicates.joined(separator: ", ")) is given twice"
        default: return "\(error)"
        }
    }
}
