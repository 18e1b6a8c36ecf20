// Where a server listens and a client connects: a Unix domain socket or a TCP host and port.

/// A socket address as people write it: a path for a Unix domain socket, `HOST:PORT` for TCP.
public enum BindAddress: Hashable, Sendable, CustomStringConvertible {
    case unixDomainSocket(path: String)
    case hostname(String, port: Int)

    /// The default TCP port of `unblockd`.
    public static let defaultPort = 8625

    /// Parses `HOST:PORT`, `[IPv6]:PORT`, or a path (anything containing `/`).
    public init?(parsing text: String) {
        if text.contains("/") {
            self = .unixDomainSocket(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self = .hostname(host, port: port)
    }

    public var description: String {
        switch self {
        case .unixDomainSocket(let path): "unix:\(path)"
        case .hostname(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
