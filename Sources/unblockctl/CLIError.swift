// What went wrong, the exit code it maps to, and what to do next.
import ArgumentParser
import Foundation
import UnblockClient
import UnblockWire

/// An error the CLI reports with a hint and a documented exit code.
struct CLIError: Error {
    enum Kind: Int32 {
        case notLoggedIn = 65
        case permissionDenied = 66
        case notPossible = 67
        case rateLimited = 68
        case unreachable = 69
        case other = 70
    }

    let kind: Kind
    let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The server's status turned into a message with the next step.
    init(_ error: UnblockClientError, target: BindAddress) {
        switch error.code {
        case .unauthenticated:
            self.init(.notLoggedIn, "\(error.message). Run `unblockctl login --user NAME` first.")
        case .permissionDenied:
            self.init(.permissionDenied, "\(error.message). This needs an administrator's login.")
        case .notFound:
            self.init(.notPossible, "\(error.message). `unblockctl cards` lists the cards you can use.")
        case .failedPrecondition, .invalidArgument:
            self.init(.notPossible, error.message)
        case .resourceExhausted:
            self.init(.rateLimited, error.message)
        case .unavailable:
            self.init(.unreachable, "\(error.message). Is unblockd running at \(target)? Start it with Scripts/serve.")
        case .deadlineExceeded:
            self.init(.unreachable, "the server did not answer in time (\(target))")
        default:
            self.init(.other, "\(error.code): \(error.message)")
        }
    }
}

extension ConnectionOptions {
    /// Runs a call, reporting any failure (as text, or as JSON with --json) with its exit code.
    func run<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as UnblockClientError {
            throw report(CLIError(error, target: target))
        } catch let error as CLIError {
            throw report(error)
        }
    }

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
