// Where unblockctl finds its server, as settings: client.yaml's keys, their variables.
import ArgumentParser
import Foundation
import UnblockSettings

enum ClientSettings {
    static let fileVariable = "UNBLOCK_CLIENT_CONFIG"

    /// The user's file first (`$XDG_CONFIG_HOME/unblock/client.yaml`, else
    /// `~/.config/unblock/client.yaml`), then the machine's.
    static var defaultFiles: [String] { [ConfigFolder.path + "/client.yaml", "/etc/unblock/client.yaml"] }

    static let keys: [SettingKey] = [
        .init("socket", environment: "UNBLOCK_SOCKET"),
        // HOST:PORT in one: the environment's way of giving --host and --port.
        .init("address", environment: "UNBLOCK_ADDRESS"),
        .init("host", environment: nil),
        .init("port", environment: nil, .number(1...65_535)),
        .init("tls", environment: "UNBLOCK_TLS", .toggle, default: "false"),
        .init("tls-ca", environment: "UNBLOCK_TLS_CA"),
        .init("tls-cert", environment: "UNBLOCK_TLS_CERT"),
        .init("tls-key", environment: "UNBLOCK_TLS_KEY"),
        .init("tls-server-name", environment: "UNBLOCK_TLS_SERVER_NAME"),
    ]
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
