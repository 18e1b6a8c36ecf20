// Where the shared store is: a postgres:// URL, its password apart, TLS as libpq's sslmode says.
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The PostgreSQL server and database of the shared store.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full&sslrootcert=FILE]`;
/// the password is better given apart (a file, or UNBLOCK_POSTGRES_PASSWORD), since a URL
/// ends up on command lines and in process listings.
public struct PostgresSettings: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP: only for a server on the same host.
        case disable
        /// Encrypted, the server's certificate not checked.
        case require
        /// Encrypted, the certificate checked against `rootCertificate` (or the system's CAs) and the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    public var rootCertificate: String?

    /// - Throws: `PostgresSettingsError` saying what the URL lacks, in the user's words.
    public init(url: String, password: String? = nil) throws(PostgresSettingsError) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme) else {
            throw PostgresSettingsError("the PostgreSQL URL takes the form postgres://USER@HOST[:PORT]/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresSettingsError("the PostgreSQL URL names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw PostgresSettingsError("the PostgreSQL URL names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw PostgresSettingsError("the PostgreSQL URL names no database (…/DATABASE)")
        }
        var tls = TLSMode.verifyFull
        var rootCertificate: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw PostgresSettingsError("sslmode takes disable, require or verify-full")
                }
                tls = mode
            case "sslrootcert": rootCertificate = item.value
            default:
                throw PostgresSettingsError(
                    "the PostgreSQL URL has an unknown parameter \(item.name); known: sslmode, sslrootcert")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = password ?? components.password
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
    }

    /// One connection: for the migrations, and to tell at once what is wrong (a pool retries
    /// a refused login forever).
    public func connect(logger: Logger, on eventLoop: (any EventLoop)? = nil) async throws -> PostgresConnection {
        let tlsSetting: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: tlsSetting = .disable
        case .require, .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            if tls == .require { configuration.certificateVerification = .none }
            if let rootCertificate { configuration.trustRoots = .file(rootCertificate) }
            tlsSetting = .require(try NIOSSLContext(configuration: configuration))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tlsSetting)
        configuration.options.connectTimeout = .seconds(5)
        // A commit is acknowledged only once PostgreSQL has made it durable, whatever the server's default.
        configuration.options.additionalStartupParameters = [("synchronous_commit", "on")]
        return try await PostgresConnection.connect(
            on: eventLoop ?? PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: 1,
            logger: logger)
    }

    /// The URL without its password, for logs and messages.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }
}

public struct PostgresSettingsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
