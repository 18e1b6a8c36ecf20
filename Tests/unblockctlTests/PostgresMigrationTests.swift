// unblockd migrate against a real PostgreSQL the test starts: once per database, even when two nodes start together.
import Foundation
import Testing
import UnblockCrypto
import UnblockTesting

@Suite struct PostgresMigrationTests {
    func unblockd(_ arguments: [String], password: String) -> ProgramResult {
        runProgram(
            builtProduct("unblockd"), arguments,
            environment: ["PATH": "/usr/bin:/bin", "UNBLOCK_POSTGRES_PASSWORD": password, "UNBLOCK_CONFIG": ""])
    }

    /// `psql -tA` against the test's database: the rows, one per line.
    func psql(_ postgres: PostgresProcess, _ sql: String) -> String {
        runProgram(
            URL(filePath: "/usr/bin/psql"),
            [
                "-h", "127.0.0.1", "-p", "\(postgres.port)", "-U", PostgresProcess.user, "-d", PostgresProcess.database,
                "-tAc", sql,
            ],
            environment: ["PGPASSWORD": postgres.password, "PATH": "/usr/bin:/bin"]
        ).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func twoNodesMigratingTogetherMigrateOnceAndTheSchemaIsThere() async throws {
        let postgres = try PostgresProcess()
        defer { postgres.stop() }
        let migrate = ["migrate", "--postgres-url", postgres.url]
        let password = postgres.password
        async let first = Task { unblockd(migrate, password: password) }.value
        async let second = Task { unblockd(migrate, password: password) }.value
        let results = await [first, second]
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.errors))")
        #expect(results.filter { $0.output.contains("applied migrations 1") }.count == 1, "\(results.map(\.output))")
        #expect(results.filter { $0.output.contains("at version 1 already") }.count == 1)
        #expect(psql(postgres, "SELECT count(*) FROM unblock_schema_migrations") == "1")
        let tables = psql(
            postgres, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
        #expect(
            tables
                == "accounts,audit_events,cards,issued_responses,profiles,sessions,unblock_changes,unblock_meta,"
                + "unblock_schema_migrations,unblock_state",
            "\(tables)")
        // A challenge answered once, whichever node records it: the key of issued_responses.
        #expect(
            psql(postgres, "SELECT indexdef FROM pg_indexes WHERE indexname = 'issued_responses_pkey'")
                .contains("(card_id, challenge_hash)"))
    }

    @Test func aNodeWithAnotherMasterKeyIsRefused() async throws {
        let postgres = try PostgresProcess()
        defer { postgres.stop() }
        let folder = postgres.folder
        let first = folder + "/first.key"
        let other = folder + "/other.key"
        try MasterKey.create(at: first)
        try MasterKey.create(at: other)
        let migrate = ["migrate", "--postgres-url", postgres.url, "--master-key"]
        #expect(unblockd(migrate + [first], password: postgres.password).status == 0)
        let refused = unblockd(migrate + [other], password: postgres.password)
        #expect(refused.status == 1)
        #expect(refused.errors.contains("not the one the database was set up with"), "\(refused.errors)")
        #expect(unblockd(migrate + [first], password: postgres.password).status == 0)
    }

    @Test func aWrongPasswordOrURLIsNamedAndNeverEchoed() async throws {
        let postgres = try PostgresProcess()
        defer { postgres.stop() }
        let wrong = unblockd(["migrate", "--postgres-url", postgres.url], password: "not-the-password-7c1")
        #expect(wrong.status == 1 && wrong.errors.contains("password authentication failed"), "\(wrong.errors)")
        #expect(!wrong.errors.contains("not-the-password-7c1"))
        let noDatabase = unblockd(
            ["migrate", "--postgres-url", "postgres://unblock@127.0.0.1:\(postgres.port)"], password: "x")
        #expect(noDatabase.status != 0 && noDatabase.errors.contains("names no database"), "\(noDatabase.errors)")
    }

    @Test func tlsToPostgreSQLIsCheckedAgainstTheCAGiven() async throws {
        let folder = "/tmp/ubpgtls-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let certificates = try TestCertificates(in: folder)
        let postgres = try PostgresProcess(tls: (certificates.certificate("server"), certificates.key("server")))
        defer { postgres.stop() }
        let base = "postgres://\(PostgresProcess.user)@127.0.0.1:\(postgres.port)/\(PostgresProcess.database)"
        let verified = unblockd(
            ["migrate", "--postgres-url", base + "?sslmode=verify-full&sslrootcert=\(certificates.caFile)"],
            password: postgres.password)
        #expect(verified.status == 0, "\(verified.errors)")
        // A certificate the CA given did not sign, and (no sslmode: verify-full) one the system's CAs did not.
        for query in ["?sslmode=verify-full&sslrootcert=\(certificates.otherCAFile)", ""] {
            let refused = unblockd(["migrate", "--postgres-url", base + query], password: postgres.password)
            #expect(refused.status == 1 && refused.errors.contains("certificate"), "\(refused.errors)")
        }
    }
}
