// The openssl command line as the independent reference for one-block ECB: no code of ours on its path.
import Foundation

/// One block encrypted by `openssl enc` run as a process; nil when it fails.
/// - Parameter algorithm: `3des`, `aes128`, `aes192` or `aes256`, as the directory file names them.
public func opensslEncrypt(_ block: [UInt8], key: [UInt8], algorithm: String) throws -> [UInt8]? {
    let ciphers = ["3des": "-des-ede3", "aes128": "-aes-128-ecb", "aes192": "-aes-192-ecb", "aes256": "-aes-256-ecb"]
    guard let cipher = ciphers[algorithm] else { return nil }
    let process = Process()
    process.executableURL = URL(filePath: "/usr/bin/env")
    process.arguments = ["openssl", "enc", cipher, "-nopad", "-K", key.map { String(format: "%02x", $0) }.joined()]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(block))
    try input.fileHandleForWriting.close()
    let result = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? [UInt8](result) : nil
}
