// Where the shared PostgreSQL store is: its URL, and its password apart from it.
import ArgumentParser
import Foundation
import UnblockPostgres
import UnblockSettings

struct PostgresOptions: ParsableArguments {
    @Option(
        help: """
            postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full&sslrootcert=FILE] \
            (verify-full by default). [env: UNBLOCK_POSTGRES_URL]
            """)
    var postgresUrl: String?

    @Option(
        help: """
            A file whose first line is the PostgreSQL password (else UNBLOCK_POSTGRES_PASSWORD, or the \
            URL's). [env: UNBLOCK_POSTGRES_PASSWORD_FILE]
            """)
    var postgresPasswordFile: String?

    /// The settings these options (and the configuration) give; nil without a URL.
    func settings() throws -> PostgresSettings? {
        guard let url = postgresUrl ?? Setting.text("postgres-url") else { return nil }
        var password = Setting.text("postgres-password")
        if let file = postgresPasswordFile ?? Setting.text("postgres-password-file") {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("--postgres-password-file \(file): cannot be read")
            }
            password = String(decoding: data.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        }
        do {
            return try PostgresSettings(url: url, password: password)
        } catch {
            throw ValidationError("--postgres-url: \(error)")
        }
    }
}
