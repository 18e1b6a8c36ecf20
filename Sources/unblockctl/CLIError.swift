// What went wrong, the exit code it maps to, and what to do next.
import ArgumentParser
import Foundation
import UnblockClient
import UnblockWire

/// An error the CLI reports with a hint and a documented exit code.
struct CLIError: Error {
    enum Kind: Int32 {
        case usage = 64
        case notLoggedIn = 65
        case permissionDenied = 66
        case notPossible = 67
        case rateLimited = 68
        case unreachable = 69
        case other = 70
    }

    /// What the command was doing, for the hint that follows the server's message.
    enum Purpose {
        case login
        case cards
        case unblock
        case administration
        case health
    }

    let kind: Kind
    let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The server's status turned into a message with the next step.
    init(_ error: UnblockClientError, server: Server, purpose: Purpose) {
        switch error.code {
        case .unauthenticated where purpose == .login:
            self.init(.notLoggedIn, error.message)
        case .unauthenticated:
            self.init(.notLoggedIn, "\(error.message) (`unblockctl login --user NAME`)")
        case .permissionDenied:
            self.init(.permissionDenied, "\(error.message); log in as a user who has that role")
        case .notFound where purpose == .unblock:
            self.init(.notPossible, "\(error.message); `unblockctl cards` lists the cards you can use")
        case .notFound, .failedPrecondition, .invalidArgument, .alreadyExists:
            self.init(.notPossible, error.message)
        case .resourceExhausted:
            let when =
                error.reason == .cardResponseLimit
                ? error.retryAfter.map { " (at \(Wording.dateTime(Date.now + $0.timeInterval)))" } : nil
            self.init(.rateLimited, error.message + (when ?? ""))
        case .unavailable where error.message.hasPrefix("cannot connect"):
            self.init(
                .unreachable,
                "\(error.message). Check that unblockd is running and that this is its address (\(server.origin)); "
                    + "set another with --socket or --host and --port, UNBLOCK_SOCKET or UNBLOCK_ADDRESS, "
                    + "or in \(ConfigFolder.path)/client.yaml")
        case .unavailable:
            self.init(.unreachable, "\(error.message) (\(server.name))")
        case .deadlineExceeded:
            self.init(.unreachable, "the server at \(server.name) did not answer in time")
        default:
            self.init(.other, "\(error.code): \(error.message)")
        }
    }
}

extension ConnectionOptions {
    /// Runs calls, reporting any failure (as text, or as JSON with --json) with its exit code.
    func run<Result>(_ server: Server, _ purpose: CLIError.Purpose, _ body: () async throws -> Result) async throws
        -> Result
    {
        do {
            return try await body()
        } catch let error as UnblockClientError {
            throw report(CLIError(error, server: server, purpose: purpose))
        } catch let error as CLIError {
            throw report(error)
        }
    }

    /// Prints the error (and with --json, the JSON form on standard output); the exit code to throw.
    func report(_ error: CLIError) -> ExitCode {
        if json {
            printJSON(["error": ["exitCode": Int(error.kind.rawValue), "message": error.message]])
        }
        FileHandle.standardError.write(Data("unblockctl: \(error.message)\n".utf8))
        return ExitCode(error.kind.rawValue)
    }
}

/// Prints a JSON object on one line, keys sorted, for scripts.
func printJSON(_ object: Any) {
    let data =
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        ?? Data("{}".utf8)
    print(String(decoding: data, as: UTF8.self))
}
