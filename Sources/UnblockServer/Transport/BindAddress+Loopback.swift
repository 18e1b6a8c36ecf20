// Whether a host names the loopback interface: parsed as an address, never matched as text.
import NIOCore
import UnblockWire

extension BindAddress {
    /// Whether `host` is a loopback address: an IPv4 address in 127.0.0.0/8, `::1`, or
    /// `localhost`. A name such as `127.example.com` is not: it resolves wherever its owner likes.
    public static func isLoopback(host: String) -> Bool {
        if host == "localhost" { return true }
        switch try? SocketAddress(ipAddress: host, port: 0) {
        case .v4(let address)?:
            return UInt32(bigEndian: address.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let address)?:
            return withUnsafeBytes(of: address.address.sin6_addr) {
                $0.elementsEqual([UInt8](repeating: 0, count: 15) + [1])
            }
        default:
            return false
        }
    }
}
