// The name a certificate gives its holder, read with the system OpenSSL.
import CLibcrypto

/// The app a client certificate stands for.
public enum CertificateName {
    /// The certificate's first DNS subject alternative name, else its subject's common name;
    /// nil when it has neither, or the DER does not parse.
    public static func of(derEncoded der: [UInt8]) -> String? {
        var name = [CChar](repeating: 0, count: 256)
        let length = der.withUnsafeBufferPointer { bytes in
            unblock_certificate_name(bytes.baseAddress, bytes.count, &name, name.count)
        }
        guard length > 0 else { return nil }
        return String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
