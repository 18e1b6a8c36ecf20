// The master key file, mode 0600: the master keys, plain or wrapped under a passphrase (scrypt).
import CLibcrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates, loads and rewrites the master key file.
///
/// Format 2: `"UNBLOCK MASTER KEY 2\n"`, one byte of protection, then the keys: the
/// derivation key (32 bytes), a count, and that many sealing keys (32 bytes each, newest
/// first). Protection 0 stores them as they are; protection 1 stores `log2 N, r, p` (one byte
/// each), a 16-byte salt, a 12-byte nonce, and the keys under AES-256-GCM with a key made by
/// scrypt from the passphrase (the header authenticated too). A file of exactly 32 bytes is
/// the format before it: one key that derives and seals.
public enum MasterKey {
    /// Length of each key in bytes (AES-256).
    public static let length = 32

    public enum Protection: Sendable, Equatable, CustomStringConvertible {
        /// 32 raw bytes: one key derives and seals (rotating it converts the file).
        case legacy
        case none
        case passphrase(logN: UInt8, r: UInt8, p: UInt8)

        public var description: String {
            switch self {
            case .legacy: "not protected (a single key, from before sealing keys could rotate)"
            case .none: "not protected"
            case .passphrase(let logN, let r, let p): "protected by a passphrase (scrypt N=2^\(logN), r=\(r), p=\(p))"
            }
        }
    }

    static let magic = Array("UNBLOCK MASTER KEY 2\n".utf8)
    /// 32 MiB and about 0.1 s per start: costly for a guesser, cheap for a server that starts once.
    public static let defaultScrypt = (logN: UInt8(15), r: UInt8(8), p: UInt8(1))
    private static let saltLength = 16
    private static let largestFile = 4_096

    /// Creates a new file with new keys, mode 0600; fails if the file exists (never overwrites a key).
    @discardableResult
    public static func create(at path: String) throws(CryptoError) -> MasterKeys {
        let keys = try MasterKeys.generate()
        try write(encode(keys, passphrase: nil), to: path, exclusive: true)
        return keys
    }

    /// Whether and how the file at `path` is protected.
    public static func protection(of path: String) throws(CryptoError) -> Protection {
        let bytes = try readFile(path)
        if bytes.count == length { return .legacy }
        guard bytes.count > magic.count, Array(bytes.prefix(magic.count)) == magic else {
            throw CryptoError(code: .masterKeyFile, message: "\(path) is not an Unblock master key file")
        }
        switch bytes[magic.count] {
        case 0: return .none
        case 1 where bytes.count > magic.count + 4:
            return .passphrase(logN: bytes[magic.count + 1], r: bytes[magic.count + 2], p: bytes[magic.count + 3])
        default: throw CryptoError(code: .masterKeyFile, message: "\(path) has an unknown protection")
        }
    }

    /// Loads the keys from `path`, opening a protected file with `passphrase`.
    /// - Throws: `.masterKeyFile` when the file is missing, a symbolic link, owned by another
    ///   user than the server's, readable or writable by group or others (fix with `chmod 600`),
    ///   or damaged; `.masterKeyPassphrase` when it is protected and the passphrase is missing or wrong.
    public static func load(from path: String, passphrase: SecretBytes? = nil) throws(CryptoError) -> MasterKeys {
        var bytes = try readFile(path)
        defer { OPENSSL_cleanse(&bytes, bytes.count) }
        if bytes.count == length { return MasterKeys(legacy: SecretBytes(bytes)) }
        switch try protection(of: path) {
        case .legacy, .none:
            return try decodeKeys(Array(bytes.dropFirst(magic.count + 1)), path: path)
        case .passphrase(let logN, let r, let p):
            guard let passphrase else {
                throw CryptoError(
                    code: .masterKeyPassphrase, message: "the master key file \(path) is protected by a passphrase")
            }
            let header = magic.count + 4
            let nonceStart = header + saltLength
            let sealedStart = nonceStart + KeySealer.nonceLength
            guard bytes.count > sealedStart + KeySealer.tagLength else {
                throw CryptoError(code: .masterKeyFile, message: "\(path) is cut short")
            }
            let wrapping = try scrypt(
                passphrase, salt: Array(bytes[header..<nonceStart]), logN: logN, r: r, p: p, path: path)
            let sealer = try KeySealer(masterKey: wrapping)
            var payload: [UInt8]
            do {
                payload = try sealer.decrypt(
                    Array(bytes[sealedStart..<(bytes.count - KeySealer.tagLength)]),
                    nonce: Array(bytes[nonceStart..<sealedStart]), aad: Array(bytes[0..<sealedStart]),
                    tag: Array(bytes.suffix(KeySealer.tagLength)))
            } catch {
                throw CryptoError(
                    code: .masterKeyPassphrase, message: "the passphrase does not open the master key file \(path)")
            }
            defer { OPENSSL_cleanse(&payload, payload.count) }
            return try decodeKeys(payload, path: path)
        }
    }

    /// Replaces the file at `path` with `keys`, under `passphrase` when given: written to a
    /// new file, synced, then renamed over the old one, so that a crash leaves one or the other.
    public static func replace(at path: String, with keys: MasterKeys, passphrase: SecretBytes?) throws(CryptoError) {
        let temporary = path + ".new"
        unlink(temporary)
        try write(try encode(keys, passphrase: passphrase), to: temporary, exclusive: true)
        guard rename(temporary, path) == 0 else { throw fileError("cannot replace \(path)") }
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let directory = Glibc.open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw fileError("cannot open \(folder)") }
        defer { close(directory) }
        guard fsync(directory) == 0 else { throw fileError("cannot sync \(folder)") }
    }

    static func encode(_ keys: MasterKeys, passphrase: SecretBytes?) throws(CryptoError) -> [UInt8] {
        var payload = keys.derivation.withUnsafeBytes { Array($0) } + [UInt8(keys.sealing.count)]
        for key in keys.sealing { payload += key.withUnsafeBytes { Array($0) } }
        defer { OPENSSL_cleanse(&payload, payload.count) }
        guard let passphrase else { return magic + [0] + payload }
        let (logN, r, p) = defaultScrypt
        let salt = try SecretBytes(randomCount: saltLength).withUnsafeBytes { Array($0) }
        let nonce = try SecretBytes(randomCount: KeySealer.nonceLength).withUnsafeBytes { Array($0) }
        let header = magic + [1, logN, r, p] + salt + nonce
        let wrapping = try scrypt(passphrase, salt: salt, logN: logN, r: r, p: p, path: "")
        let sealer = try KeySealer(masterKey: wrapping)
        let sealed = try payload.withUnsafeBytes { input in
            Result { () throws(CryptoError) in
                try sealer.gcm(encrypt: true, key: wrapping, input: input, nonce: nonce, aad: header, tag: nil)
            }
        }.get()
        return header + sealed.output + sealed.tag
    }

    private static func decodeKeys(_ payload: [UInt8], path: String) throws(CryptoError) -> MasterKeys {
        guard payload.count > length, case let count = Int(payload[length]),
            (1...MasterKeys.maximumSealingKeys).contains(count), payload.count == length + 1 + count * length
        else {
            throw CryptoError(code: .masterKeyFile, message: "the master key file \(path) is damaged")
        }
        let sealing = (0..<count).map { index in
            SecretBytes(payload[(length + 1 + index * length)..<(length + 1 + (index + 1) * length)])
        }
        return MasterKeys(derivation: SecretBytes(payload[0..<length]), sealing: sealing)
    }

    /// The wrapping key scrypt makes from the passphrase; the parameters are bounded so that a
    /// crafted file cannot ask for more than 1 GiB.
    private static func scrypt(
        _ passphrase: SecretBytes, salt: [UInt8], logN: UInt8, r: UInt8, p: UInt8, path: String
    ) throws(CryptoError) -> SecretBytes {
        guard (10...20).contains(logN), (1...16).contains(r), (1...4).contains(p) else {
            throw CryptoError(
                code: .masterKeyFile, message: "the master key file \(path) asks for scrypt parameters out of bounds")
        }
        let n = UInt64(1) << logN
        let memory = 128 * n * UInt64(r) * UInt64(p) + (1 << 20)
        var key = [UInt8](repeating: 0, count: length)
        defer { OPENSSL_cleanse(&key, key.count) }
        let ok = passphrase.withUnsafeBytes { secret in
            EVP_PBE_scrypt(
                secret.baseAddress?.assumingMemoryBound(to: CChar.self), secret.count, salt, salt.count, n, UInt64(r),
                UInt64(p), memory, &key, key.count) == 1
        }
        guard ok else { throw CryptoError(code: .openSSL, message: "scrypt failed") }
        return SecretBytes(key)
    }

    /// The file's bytes, after the checks on its kind, owner and mode.
    private static func readFile(_ path: String) throws(CryptoError) -> [UInt8] {
        // Not through a link: whoever could place one would choose the key.
        let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP {
                throw CryptoError(code: .masterKeyFile, message: "the master key file \(path) is a symbolic link")
            }
            throw fileError("cannot open \(path)")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fileError("cannot stat \(path)") }
        guard status.st_uid == geteuid() else {
            throw CryptoError(
                code: .masterKeyFile,
                message: "the master key file \(path) belongs to uid \(status.st_uid), not to the server's user "
                    + "(uid \(geteuid())); run chown on it"
            )
        }
        guard status.st_mode & 0o077 == 0 else {
            throw CryptoError(
                code: .masterKeyFile,
                message: "the master key file \(path) is accessible by group or others; run chmod 600 \(path)"
            )
        }
        guard status.st_size >= length, status.st_size <= largestFile else {
            throw CryptoError(code: .masterKeyFile, message: "the master key file \(path) has \(status.st_size) bytes")
        }
        var buffer = [UInt8](repeating: 0, count: Int(status.st_size))
        guard read(descriptor, &buffer, buffer.count) == buffer.count else { throw fileError("cannot read \(path)") }
        return buffer
    }

    private static func write(_ bytes: [UInt8], to path: String, exclusive: Bool) throws(CryptoError) {
        var bytes = bytes
        defer { OPENSSL_cleanse(&bytes, bytes.count) }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fileError("cannot create \(path)") }
        defer { close(descriptor) }
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            let error = fileError("cannot write \(path)")
            unlink(path)
            throw error
        }
    }

    private static func fileError(_ what: String) -> CryptoError {
        CryptoError(code: .masterKeyFile, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
