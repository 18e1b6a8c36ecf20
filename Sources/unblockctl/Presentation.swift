// Names people read and type for the contract's enums, and plain-text tables.
import Foundation
import UnblockWire

extension CardState {
    var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .active: "active"
        case .suspended: "suspended"
        case .revoked: "revoked"
        case .retired: "retired"
        }
    }

    static func named(_ name: String) -> CardState? {
        allCases.first { $0.name == name.lowercased() && $0 != .unspecified }
    }
}

extension KeyAlgorithm {
    var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .tripleDES: "3des"
        case .aes128: "aes128"
        case .aes192: "aes192"
        case .aes256: "aes256"
        }
    }

    /// As people know them: "3DES", "AES-128".
    var displayName: String {
        switch self {
        case .unspecified: "unspecified"
        case .tripleDES: "3DES"
        case .aes128: "AES-128"
        case .aes192: "AES-192"
        case .aes256: "AES-256"
        }
    }
}

extension CardProcess {
    var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .unblockPinOffline: "unblock-pin-offline"
        }
    }

    static func named(_ name: String) -> CardProcess? {
        allCases.first { $0 != .unspecified && ($0.name == name || $0.symbolicName == name) }
    }
}

extension Role {
    /// The role as the directory file and the CLI name it.
    var name: String {
        switch self {
        case .selfService: "selfservice"
        case .helpdesk: "helpdesk"
        case .admin: "admin"
        case .unspecified: "unspecified"
        }
    }
}

/// Columns padded to their widest cell.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// Times and durations as a person reads them.
enum Wording {
    /// "2026-12-01 18:10 UTC": the date too (a session can end tomorrow), and the zone.
    static func dateTime(_ date: Date, timeZone: TimeZone = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }

    /// The time of a contract's milliseconds since the Unix epoch; nil for 0 (never).
    static func date(milliseconds: UInt64) -> Date? {
        milliseconds == 0 ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }

    /// The same in ISO 8601 (UTC), for JSON.
    static func iso(milliseconds: UInt64) -> String? {
        date(milliseconds: milliseconds).map { $0.formatted(.iso8601) }
    }

    /// "30 seconds", "15 minutes", "8 hours": whole units, the largest that fits exactly.
    static func span(seconds: Int) -> String {
        let (count, unit) =
            seconds % 3_600 == 0
            ? (seconds / 3_600, "hour") : seconds % 60 == 0 ? (seconds / 60, "minute") : (seconds, "second")
        return count == 1 ? "1 \(unit)" : "\(count) \(unit)s"
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
