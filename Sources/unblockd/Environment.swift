// The environment variables behind unblockd's options: one lookup for every option group.
import Foundation

/// The variable's value; nil when it is unset or empty.
func env(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}
