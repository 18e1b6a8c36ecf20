// The portal's words in one language, and the choice of language from what the browser asks for.
import Foundation

/// Every text of the portal in one language, read from `Languages/<code>.json`.
struct Catalogue: Sendable {
    /// The language's code (`en`, `fr`), as `lang` and `Content-Language` say it.
    let language: String
    private let texts: [String: String]

    /// A catalogue from its file's JSON; a missing key or a placeholder the English text does
    /// not have is an error naming them.
    init(language: String, json: Data, english: Catalogue? = nil) throws {
        let texts = try JSONDecoder().decode([String: String].self, from: json)
        let missing = Text.allCases.map(\.rawValue).filter { texts[$0] == nil }
        guard missing.isEmpty else {
            throw CatalogueError("\(language).json has no \(missing.joined(separator: ", "))")
        }
        if let english {
            for key in Text.allCases
            where Self.placeholders(texts[key.rawValue] ?? "") != Self.placeholders(english[key]) {
                throw CatalogueError("\(language).json: \(key.rawValue) must use the placeholders of en.json")
            }
        }
        self.language = language
        self.texts = texts
    }

    subscript(_ key: Text) -> String { texts[key.rawValue] ?? key.rawValue }

    /// The text of `key` with each `{name}` replaced by its value.
    func callAsFunction(_ key: Text, _ values: KeyValuePairs<String, String> = [:]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    static func placeholders(_ text: String) -> Set<Substring> {
        Set(text.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first })
    }
}

struct CatalogueError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The catalogues the portal has, and which one a request gets.
struct Languages: Sendable {
    let english: Catalogue
    /// By language code, English included.
    let catalogues: [String: Catalogue]

    /// The catalogues shipped in `Languages/` beside the code: one file per language.
    static func bundled() throws -> Languages {
        guard let folder = Bundle.module.url(forResource: "Languages", withExtension: nil) else {
            throw CatalogueError("the portal's Languages folder is missing from its resources")
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        let english = try Catalogue(language: "en", json: Data(contentsOf: folder.appending(path: "en.json")))
        var catalogues = ["en": english]
        for file in files where file.deletingPathExtension().lastPathComponent != "en" {
            let code = file.deletingPathExtension().lastPathComponent
            catalogues[code] = try Catalogue(language: code, json: Data(contentsOf: file), english: english)
        }
        return Languages(english: english, catalogues: catalogues)
    }

    /// The catalogue for an `Accept-Language` header: the first language by preference (its
    /// q-value, then its order) that the portal has, matching `fr-CH` to `fr`; else English.
    func preferred(by acceptLanguage: String?) -> Catalogue {
        guard let acceptLanguage else { return english }
        // A browser sends a few; a header of hundreds is not worth reading to the end.
        let ranked = acceptLanguage.split(separator: ",").prefix(16).enumerated().compactMap {
            index, item -> (code: String, quality: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let code = tag.lowercased().split(separator: "-").first.map(String.init) ?? ""
            return (code, quality, index)
        }
        let best =
            ranked
            .filter { $0.quality > 0 && catalogues[$0.code] != nil }
            .min { ($1.quality, $0.index) < ($0.quality, $1.index) }
        return best.flatMap { catalogues[$0.code] } ?? english
    }
}
