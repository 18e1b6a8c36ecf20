// What the server counts for operators: calls by method and status, their durations, connections and sessions.
import Metrics
import UnblockWire

/// The server's metrics, made once through one factory (a backend such as Prometheus).
///
/// Every metric object is made ahead: making one by label on each call would take the
/// factory's lock. Methods are the contract's; any other name counts as `unknown`, so that
/// a client sending made-up names cannot grow the set of labels.
package final class ServerMetrics: Sendable {
    private struct MethodMetrics: Sendable {
        /// By `StatusCode.rawValue`.
        let calls: [Counter]
        let duration: Timer
    }

    private let methods: [String: MethodMetrics]
    private let unknownMethod: MethodMetrics
    /// Calls by the app a TLS client certificate names: each trusted app by name, any other
    /// certified app as "other", none as "none" (a label per certificate could grow without bound).
    private let callsByApp: [String: Counter]
    /// Open connections, over every listener.
    let connections: Meter
    /// Live sessions (expired ones count until a call or a login finds them).
    let sessions: Meter

    init(factory: any MetricsFactory, trustedApps: Set<String> = []) {
        func metrics(_ method: String) -> MethodMetrics {
            MethodMetrics(
                calls: StatusCode.allCases.map { status in
                    Counter(
                        label: "unblock_calls_total", dimensions: [("method", method), ("status", "\(status)")],
                        factory: factory)
                },
                duration: Timer(
                    label: "unblock_call_duration_seconds", dimensions: [("method", method)], factory: factory))
        }
        methods = Dictionary(uniqueKeysWithValues: ContractMethods.names.map { ($0, metrics($0)) })
        unknownMethod = metrics("unknown")
        callsByApp = Dictionary(
            uniqueKeysWithValues: (trustedApps.sorted() + ["other", "none"]).map { app in
                (app, Counter(label: "unblock_calls_by_app_total", dimensions: [("app", app)], factory: factory))
            })
        connections = Meter(label: "unblock_open_connections", factory: factory)
        sessions = Meter(label: "unblock_sessions", factory: factory)
    }

    /// Counts one answered call; `app` is what a TLS connection's client certificate names.
    func record(method: String, status: StatusCode, duration: Duration, app: String? = nil) {
        let metrics = methods[method] ?? unknownMethod
        metrics.calls[Int(status.rawValue)].increment()
        metrics.duration.record(duration: duration)
        callsByApp[app.map { callsByApp[$0] == nil ? "other" : $0 } ?? "none"]?.increment()
    }
}
