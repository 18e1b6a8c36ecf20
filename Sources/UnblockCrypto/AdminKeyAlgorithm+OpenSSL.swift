// The OpenSSL cipher behind each admin key algorithm.
import UnblockCore

extension AdminKeyAlgorithm {
    /// The OpenSSL name of the one-block ECB cipher.
    var openSSLName: String {
        switch self {
        case .tripleDES: "DES-EDE3-ECB"
        case .aes128: "AES-128-ECB"
        case .aes192: "AES-192-ECB"
        case .aes256: "AES-256-ECB"
        }
    }
}
