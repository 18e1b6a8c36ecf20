// Builds an OSSL_PARAM array over caller-owned memory, valid for the duration of one call.
import CLibcrypto

enum OpenSSLParameters {
    /// Calls `body` with an `OSSL_PARAM` array of UTF-8 string and octet-string parameters.
    ///
    /// Names and string values are static strings (they live forever); octet strings point
    /// into the caller's buffers, which must outlive `body`. Nothing is copied, so no
    /// copy of key material is left behind.
    static func withParameters<Result>(
        strings: [(StaticString, StaticString)],
        octets: [(StaticString, UnsafeRawBufferPointer)],
        _ body: (UnsafePointer<OSSL_PARAM>) -> Result
    ) -> Result {
        func cString(_ string: StaticString) -> UnsafeMutablePointer<CChar> {
            // OpenSSL only reads input parameters; the C signature is merely not const.
            UnsafeMutableRawPointer(mutating: string.utf8Start).assumingMemoryBound(to: CChar.self)
        }
        var parameters: [OSSL_PARAM] = []
        for (name, value) in strings {
            parameters.append(OSSL_PARAM_construct_utf8_string(cString(name), cString(value), 0))
        }
        for (name, value) in octets {
            parameters.append(
                OSSL_PARAM_construct_octet_string(
                    cString(name), UnsafeMutableRawPointer(mutating: value.baseAddress), value.count)
            )
        }
        parameters.append(OSSL_PARAM_construct_end())
        return parameters.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
