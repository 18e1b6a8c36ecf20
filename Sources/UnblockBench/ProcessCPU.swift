// CPU time of a process, from /proc: the steadier figure on a shared machine.
import Foundation

/// The CPU time (user and system) a process has used so far. Per call, it varies far less
/// than throughput when other guests of the host are busy, and it shows what each side of
/// a run (server, harness) costs.
enum ProcessCPU {
    /// Seconds of CPU used by process `pid` (the harness itself when nil); nil when /proc
    /// cannot tell (another system, or the process is gone).
    static func seconds(pid: Int32? = nil) -> Double? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (name) ": state is field 3, utime 14 and stime 15 (man 5 proc).
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
