// The opaque page tokens of the lists: where the next page starts, tagged with the list it belongs to.
import Foundation

/// A page token: the last item's key of the previous page, tagged and base64-encoded so that
/// clients treat it as opaque and a token of one list is refused by another.
enum PageToken {
    static func make(_ tag: String, after key: String) -> String {
        Data("\(tag):\(key)".utf8).base64EncodedString()
    }

    /// The key in `token`; nil for an empty token (the first page).
    /// - Throws: INVALID_ARGUMENT for a token this server did not give for this list.
    static func key(_ tag: String, in token: String) throws -> String? {
        guard !token.isEmpty else { return nil }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("\(tag):")
        else {
            throw RPCError(.invalidArgument, "page_token is not one this server gave; start again without it")
        }
        return String(text.dropFirst(tag.count + 1))
    }
}
