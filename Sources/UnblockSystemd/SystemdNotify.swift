// sd_notify(3) without libsystemd: one datagram to the socket systemd names in NOTIFY_SOCKET,
// so that units with Type=notify start their dependants only once the daemon answers.
import Foundation

public enum SystemdNotify {
    /// The socket systemd named; nil when not started by systemd with Type=notify.
    public static var socketPath: String? {
        ProcessInfo.processInfo.environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Sends `message` ("READY=1", "STOPPING=1", ...) when systemd listens; returns the problem
    /// when it could not be sent (never fatal: the daemon serves either way).
    @discardableResult
    public static func send(_ message: String) -> String? {
        guard let path = socketPath else { return nil }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return "sd_notify: no socket: \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        // A leading @ names an abstract socket.
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            return "sd_notify: NOTIFY_SOCKET is too long"
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout.offset(of: \sockaddr_un.sun_path)! + bytes.count)
        let sent = message.withCString { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, text, strlen(text), Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent < 0 ? "sd_notify: \(path): \(String(cString: strerror(errno)))" : nil
    }
}
