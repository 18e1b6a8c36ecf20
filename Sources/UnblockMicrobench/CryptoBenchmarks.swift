// Crypto hot paths: one response on a warm worker, pool overhead, and pool throughput at saturation.
import UnblockCrypto

enum CryptoBenchmarks {
    static func run() async throws -> [Measurement] {
        var results: [Measurement] = []
        let cipher = try BlockCipher()
        let tripleDESKeys = try (0..<64).map { _ in try AdminKey(algorithm: .tripleDES, bytes: SecureRandom.bytes(24)) }
        let aesKeys = try (0..<64).map { _ in try AdminKey(algorithm: .aes128, bytes: SecureRandom.bytes(16)) }
        let tripleDESChallenge = try Challenge(text: "1603 EBDF 1C8A 2E72", algorithm: .tripleDES)
        let aesChallenge = try Challenge(text: String(repeating: "A5", count: 16), algorithm: .aes128)

        // Warm: 64 keys in turn, each schedule cached in the worker's contexts.
        var index = 0
        results.append(
            try measure("crypto: 3DES response, warm worker", target: "<= 0.5 us", operations: 100_000) {
                index &+= 1
                _ = try cipher.response(to: tripleDESChallenge, key: tripleDESKeys[index & 63])
            }
        )
        results.append(
            try measure("crypto: AES-128 response, warm worker", target: "<= 0.1 us", operations: 100_000) {
                index &+= 1
                _ = try cipher.response(to: aesChallenge, key: aesKeys[index & 63])
            }
        )
        // The cipher alone: one block into a caller's buffer, no allocation (the targets' "of crypto").
        var output = [UInt8](repeating: 0, count: 16)
        let tripleDESBlock = tripleDESChallenge.bytes
        let aesBlock = aesChallenge.bytes
        results.append(
            try output.withUnsafeMutableBytes { (output) throws -> Measurement in
                try tripleDESBlock.withUnsafeBytes { input in
                    try measure(
                        "crypto: 3DES block only, warm worker, into a buffer", target: "<= 0.5 us",
                        operations: 100_000
                    ) {
                        index &+= 1
                        try cipher.encryptBlock(
                            input, key: tripleDESKeys[index & 63],
                            into: UnsafeMutableRawBufferPointer(rebasing: output[0..<8]))
                    }
                }
            }
        )
        results.append(
            try output.withUnsafeMutableBytes { (output) throws -> Measurement in
                try aesBlock.withUnsafeBytes { input in
                    try measure(
                        "crypto: AES-128 block only, warm worker, into a buffer", target: "<= 0.1 us",
                        operations: 100_000
                    ) {
                        index &+= 1
                        try cipher.encryptBlock(input, key: aesKeys[index & 63], into: output)
                    }
                }
            }
        )
        // Cold: 4,096 keys in turn, more than the cache holds, so every call sets a key.
        let manyTripleDES = try (0..<4_096).map { _ in
            try AdminKey(algorithm: .tripleDES, bytes: SecureRandom.bytes(24))
        }
        let manyAES = try (0..<4_096).map { _ in try AdminKey(algorithm: .aes128, bytes: SecureRandom.bytes(16)) }
        results.append(
            try measure("crypto: 3DES response, key set each call", target: "(reference)", operations: 100_000) {
                index &+= 1
                _ = try cipher.response(to: tripleDESChallenge, key: manyTripleDES[index & 4_095])
            }
        )
        results.append(
            try measure("crypto: AES-128 response, key set each call", target: "(reference)", operations: 100_000) {
                index &+= 1
                _ = try cipher.response(to: aesChallenge, key: manyAES[index & 4_095])
            }
        )
        // What the server does per call for a card with a sealed key: open it, check its KCV, answer.
        let sealer = try KeySealer(masterKey: SecretBytes(randomCount: 32))
        let sealedKey = try sealer.seal(tripleDESKeys[0], cardID: "c-000001", keyVersion: 1)
        let checkValue = try cipher.keyCheckValue(of: tripleDESKeys[0])
        results.append(
            try measure("crypto: open sealed 3DES key, check KCV, respond", target: "(reference)", operations: 50_000) {
                let key = try sealer.open(sealedKey, algorithm: .tripleDES, cardID: "c-000001", keyVersion: 1)
                try cipher.verify(key, keyCheckValue: checkValue)
                _ = try cipher.response(to: tripleDESChallenge, key: key)
            }
        )

        let pool = try CryptoPool()
        results.append(
            try await measureAsync(
                "pool: submit to result, one at a time", target: "<= 5 us median", operations: 20_000
            ) {
                for _ in 0..<20_000 { _ = try await pool.run { _ in 1 } }
            }
        )

        let batch = (0..<64).map { (challenge: tripleDESChallenge, key: tripleDESKeys[$0]) }
        let callers = 8
        let batchesPerCaller = 500
        let total = callers * batchesPerCaller * batch.count
        let batched = try await measureAsync(
            "pool: 3DES responses, 8 callers, batches of 64",
            target: ">= 300,000/s",
            samples: 7,
            operations: total
        ) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<callers {
                    group.addTask { for _ in 0..<batchesPerCaller { _ = try await pool.responses(batch) } }
                }
                try await group.waitForAll()
            }
        }
        results.append(batched)

        let single = 64 * 1_000
        results.append(
            try await measureAsync(
                "pool: 3DES responses, 64 callers, unbatched", target: "(reference)", samples: 7, operations: single
            ) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for caller in 0..<64 {
                        group.addTask {
                            for _ in 0..<(single / 64) {
                                _ = try await pool.response(to: tripleDESChallenge, key: tripleDESKeys[caller])
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        )
        await pool.shutdown()
        return results
    }
}
