// Whom a trusted app makes a call for: the envelope's optional client_info.
import CUnblockProtos
import UnblockProtobufBridge

/// The app making a call for a person, and the address of that person's browser.
public struct ClientInfo: WireMessage, Hashable {
    /// Names and addresses are short: longer ones make the frame malformed.
    public static let maximumBytes = 64

    public var app: String
    public var endUserAddress: String

    public init(app: String, endUserAddress: String) {
        self.app = app
        self.endUserAddress = endUserAddress
    }

    /// Whether both fields keep to what the contract allows (an app name of letters, digits,
    /// '.', '_' and '-'; an address of the characters of IPv4 and IPv6), so that they can go
    /// into an audit event as they are.
    public var isWellFormed: Bool {
        !app.isEmpty
            && app.utf8.allSatisfy {
                $0.isASCIILetterOrDigit || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
            && endUserAddress.utf8.allSatisfy {
                $0.isASCIIHexDigit || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":")
            }
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__rpc__v1__client_info__init,
        unpack: unblock__rpc__v1__client_info__unpack,
        free: unblock__rpc__v1__client_info__free_unpacked,
        read: { c throws(WireError) in
            Self(
                app: try CReader.string(c.app, field: "ClientInfo.app", limit: maximumBytes),
                endUserAddress: try CReader.string(
                    c.end_user_address, field: "ClientInfo.end_user_address", limit: maximumBytes)
            )
        },
        write: { message, c, arena in
            c.app = arena.string(message.app)
            c.end_user_address = arena.string(message.endUserAddress)
        }
    )
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }

    fileprivate var isASCIIHexDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
