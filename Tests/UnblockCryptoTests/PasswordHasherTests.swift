// Password hashing: the RFC 7914 vector, the encoded form, verification and rehash decisions.
import Testing
import UnblockCrypto

@Suite struct PasswordHasherTests {
    @Test func rfc7914Vector() throws {
        let derived = try PasswordHasher.pbkdf2(password: "passwd", salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(
            derived.hex.lowercased()
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        )
    }

    @Test func hashAndVerify() throws {
        let hasher = PasswordHasher(iterations: 1_000)
        let encoded = try hasher.hash("correct horse 🐎")
        #expect(encoded.hasPrefix("$pbkdf2-sha256$i=1000$"))
        #expect(try hasher.verify("correct horse 🐎", against: encoded))
        #expect(try !hasher.verify("correct horse", against: encoded))
        #expect(try !hasher.verify("", against: encoded))
        #expect(try hasher.hash("same") != hasher.hash("same"), "salts are random")
    }

    @Test func oldHashesStillVerifyAfterTheCostIsRaised() throws {
        let old = try PasswordHasher(iterations: 500).hash("pw")
        let current = PasswordHasher(iterations: 2_000)
        #expect(try current.verify("pw", against: old))
        #expect(current.needsRehash(old))
        #expect(!current.needsRehash(try current.hash("pw")))
        // Lowered too: every check should cost what the others cost.
        #expect(PasswordHasher(iterations: 1_000).needsRehash(try current.hash("pw")))
        #expect(PasswordHasher.iterations(of: old) == 500 && PasswordHasher.iterations(of: "nope") == nil)
    }

    @Test func defaultCostIsOWASPs() {
        #expect(PasswordHasher().iterations == 600_000)
    }

    @Test(arguments: [
        "", "plain", "$pbkdf2-sha256$i=1000$$AAAA", "$pbkdf2-sha1$i=1$c2FsdA$" + String(repeating: "A", count: 43),
        "$pbkdf2-sha256$i=0$c2FsdA$" + String(repeating: "A", count: 43),
        "$pbkdf2-sha256$i=1000$c2F*dA$" + String(repeating: "A", count: 43),
    ])
    func malformedHashIsRefused(_ encoded: String) {
        do {
            _ = try PasswordHasher(iterations: 1).verify("pw", against: encoded)
            Issue.record("accepted \(encoded)")
        } catch {
            #expect(error.code == .malformedPasswordHash)
        }
    }

    @Test func sessionTokensAre32RandomBytesInBase64url() throws {
        let tokens = try (0..<100).map { _ in try SecureRandom.sessionToken() }
        #expect(Set(tokens).count == 100)
        for token in tokens {
            #expect(token.count == 43)
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }
}

@Suite struct DigestTests {
    @Test func sha256OfKnownInputs() {
        #expect(
            Digest.sha256(Array("abc".utf8)).hex == "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
        #expect(Digest.sha256([]).hex == "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")
    }
}
