// Which configuration file a program reads, found before its arguments are parsed.
import Foundation

extension Settings {
    /// The file named by `--config FILE` anywhere in the arguments, else by the environment
    /// variable, else the first of `defaultFiles` that exists; nil for none.
    /// - Throws: `SettingsError` when a file named explicitly does not exist.
    public static func configurationFile(
        arguments: [String], variable: String, defaultFiles: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SettingsError) -> String? {
        var named: (path: String, by: String)?
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count {
                named = (arguments[index + 1], "--config")
            } else if argument.hasPrefix("--config=") {
                named = (String(argument.dropFirst("--config=".count)), "--config")
            }
        }
        if named == nil, let path = environment[variable], !path.isEmpty { named = (path, variable) }
        if let named {
            guard FileManager.default.fileExists(atPath: named.path) else {
                throw SettingsError(problems: ["\(named.by) \(named.path): no such file"])
            }
            return named.path
        }
        return defaultFiles.first { FileManager.default.fileExists(atPath: $0) }
    }
}

extension Setting {
    /// sysexits' EX_CONFIG: the exit status for a bad configuration.
    public static let exitStatus: Int32 = 78

    /// Loads the program's settings at its start, before its arguments are parsed, and installs
    /// them for its options' defaults. On a problem it reports every one, as `program: problem`
    /// lines, and exits; unless told not to stop (`config check` reports them itself), when
    /// the defaults alone are installed.
    public static func start(
        program: String, keys: [SettingKey], variable: String, defaultFiles: [String], stopOnProblem: Bool = true,
        arguments: [String] = CommandLine.arguments
    ) async {
        do {
            let file = try Settings.configurationFile(
                arguments: arguments, variable: variable, defaultFiles: defaultFiles)
            install(try await Settings.load(keys: keys, file: file))
        } catch {
            guard !stopOnProblem else {
                report(error, program: program)
                exit(exitStatus)
            }
            // Cannot fail: no file and no environment.
            if let defaults = try? await Settings.load(keys: keys, file: nil, environment: [:]) { install(defaults) }
        }
    }

    public static func report(_ problem: SettingsError, program: String) {
        FileHandle.standardError.write(Data(problem.problems.map { "\(program): \($0)\n" }.joined().utf8))
    }
}
