// The master key file: 32 random bytes, mode 0600, created once and then only read.
import CLibcrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates and loads the 32-byte master key that seals admin keys and derives them.
public enum MasterKey {
    /// Length of the master key in bytes (AES-256).
    public static let length = 32

    /// Creates a new master key file with mode 0600; fails if the file exists (never overwrites a key).
    /// - Returns: the new key.
    @discardableResult
    public static func create(at path: String) throws(CryptoError) -> SecretBytes {
        let key = try SecretBytes(randomCount: length)
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fileError("cannot create \(path)") }
        defer { close(descriptor) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == length, fsync(descriptor) == 0 else {
            let error = fileError("cannot write \(path)")
            unlink(path)
            throw error
        }
        return key
    }

    /// Loads the master key from `path`.
    /// - Throws: `.masterKeyFile` when the file is missing, a symbolic link, owned by another
    ///   user than the server's, not exactly 32 bytes, or readable or writable by group or
    ///   others (fix with `chmod 600`).
    public static func load(from path: String) throws(CryptoError) -> SecretBytes {
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
        guard status.st_size == length else {
            throw CryptoError(
                code: .masterKeyFile,
                message: "the master key file \(path) has \(status.st_size) bytes, not \(length)"
            )
        }
        var buffer = [UInt8](repeating: 0, count: length)
        defer { OPENSSL_cleanse(&buffer, buffer.count) }
        guard read(descriptor, &buffer, length) == length else { throw fileError("cannot read \(path)") }
        return SecretBytes(buffer)
    }

    private static func fileError(_ what: String) -> CryptoError {
        CryptoError(code: .masterKeyFile, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
