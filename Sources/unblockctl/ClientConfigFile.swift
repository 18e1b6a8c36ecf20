// The client configuration file: where the server is, for every unblockctl command.
import Foundation

/// `client.toml`: a few `key = value` lines (TOML's flat subset), `#` comments.
///
/// ```toml
/// socket = "/run/unblockd/unblockd.sock"
/// # or, for TCP:
/// host = "unblock.example.com"
/// port = 8625
/// tls = true
/// tls_ca = "/etc/unblock/ca.pem"
/// ```
struct ClientConfigFile: Equatable {
    var socket: String?
    var host: String?
    var port: Int?
    var tls: Bool?
    var tlsCA: String?
    var tlsCert: String?
    var tlsKey: String?
    var tlsServerName: String?

    /// The user's file first (`$XDG_CONFIG_HOME/unblock/client.toml`, else
    /// `~/.config/unblock/client.toml`), then the machine's (`/etc/unblock/client.toml`).
    static var searchPaths: [String] {
        [ConfigFolder.path + "/client.toml", "/etc/unblock/client.toml"]
    }

    /// The first file of `searchPaths` that exists, with its path; nil when there is none.
    /// - Throws: `CLIError` (usage) naming the file and line of anything it does not understand.
    static func load() throws -> (file: ClientConfigFile, path: String)? {
        for path in searchPaths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            return (try parse(String(decoding: data, as: UTF8.self), path: path), path)
        }
        return nil
    }

    static func parse(_ text: String, path: String) throws -> ClientConfigFile {
        var file = ClientConfigFile()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            func problem(_ message: String) -> CLIError {
                CLIError(.usage, "\(path), line \(index + 1): \(message)")
            }
            let line = rawLine.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw problem("expected KEY = VALUE, e.g. socket = \"/run/unblockd/unblockd.sock\"")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "socket", "host", "tls_ca", "tls_cert", "tls_key", "tls_server_name":
                guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\""),
                    !value.dropFirst().dropLast().contains("\"")
                else { throw problem("\(key) takes a quoted string, e.g. \(key) = \"...\"") }
                let string = String(value.dropFirst().dropLast())
                switch key {
                case "socket": file.socket = string
                case "host": file.host = string
                case "tls_ca": file.tlsCA = string
                case "tls_cert": file.tlsCert = string
                case "tls_key": file.tlsKey = string
                default: file.tlsServerName = string
                }
            case "tls":
                guard value == "true" || value == "false" else { throw problem("tls takes true or false") }
                file.tls = value == "true"
            case "port":
                guard let port = Int(value), (1...65_535).contains(port) else {
                    throw problem("port takes a number from 1 to 65535")
                }
                file.port = port
            default:
                throw problem(
                    "unknown key \"\(key)\"; expected socket, host, port, tls, tls_ca, tls_cert, tls_key or tls_server_name"
                )
            }
        }
        if file.socket != nil && (file.host != nil || file.port != nil) {
            throw CLIError(.usage, "\(path): give either socket or host and port, not both")
        }
        return file
    }
}

/// `$XDG_CONFIG_HOME/unblock`, else `~/.config/unblock`: the client's configuration and saved session.
enum ConfigFolder {
    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/unblock"
    }
}
