// Names people read and type for the contract's enums, and plain-text tables.
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
