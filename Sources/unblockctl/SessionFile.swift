// The saved login: $XDG_CONFIG_HOME/unblock/session.json (or ~/.config/unblock/), mode 0600.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where `unblockctl login` keeps the session token between commands.
enum SessionFile {
    struct Session: Codable {
        var server: String
        var username: String
        var token: String
        var expiresAtUnixMs: UInt64
    }

    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/unblock/session.json"
    }

    static func load() -> Session? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Session.self, from: data)
    }

    /// Writes the session so that no other user can ever read it: a new file created with mode
    /// 0600 in a 0700 folder, then renamed over the old one.
    static func save(_ session: Session) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder + "/.session-\(getpid()).json"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CLIError(.other, "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let data = try JSONEncoder().encode(session)
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CLIError(.other, "cannot write \(path)")
        }
    }

    static func remove() {
        unlink(path)
    }
}
