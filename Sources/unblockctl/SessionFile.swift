// The saved login: $XDG_CONFIG_HOME/unblock/session.json (or ~/.config/unblock/), mode 0600.
import Foundation
import UnblockClient
import UnblockTLS
import UnblockWire

#if canImport(Glibc)
    import Glibc
#endif

/// Where `unblockctl login` keeps the session token between commands.
enum SessionFile {
    struct Session: Codable {
        /// The server that issued the token, as `BindAddress` prints it; the token goes nowhere else.
        var server: String
        var username: String
        var token: String
        var expiresAtUnixMs: UInt64
        /// How that server was reached, so that logout reaches it the same way.
        var tls: TLSClientSettings? = nil

        /// The issuing server's addresses (several nodes), parsed back from `server`.
        var serverAddresses: [BindAddress]? {
            let addresses = server.split(separator: ",").map { address in
                address.hasPrefix("unix:")
                    ? .unixDomainSocket(path: String(address.dropFirst(5))) : BindAddress(parsing: String(address))
            }
            guard !addresses.isEmpty, !addresses.contains(where: { $0 == nil }) else { return nil }
            return addresses.compactMap { $0 }
        }
    }

    static var path: String { ConfigFolder.path + "/session.json" }

    /// Ends `session` on the server that issued it (if it can be reached) and forgets it here.
    static func end(_ session: Session) async {
        remove()
        guard let addresses = session.serverAddresses else { return }
        guard let client = try? UnblockClient.to(addresses, tls: session.tls, timeout: .seconds(5)) else { return }
        client.sessionToken = session.token
        // The server may already have ended it (expiry, restart); gone is gone.
        _ = try? await client.logout()
        await client.close()
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
