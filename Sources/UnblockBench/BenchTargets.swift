// The servers a run reaches: one address, or several nodes the connections are spread over.
import NIOPosix
import UnblockWire

extension UnblockBench {
    /// The comma-separated items of `text`.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Connects to `targets[start % count]`, else to the next that accepts.
    static func connect(_ bootstrap: ClientBootstrap, toOneOf targets: [BindAddress], startingAt start: Int)
        async throws
    {
        var lastError: (any Error)?
        for offset in 0..<targets.count {
            do {
                switch targets[(start + offset) % targets.count] {
                case .unixDomainSocket(let path): _ = try await bootstrap.connect(unixDomainSocketPath: path).get()
                case .hostname(let host, let port): _ = try await bootstrap.connect(host: host, port: port).get()
                }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }
}
