// Asking on the terminal: lines, and secrets without echo.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

enum Terminal {
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// A line typed at the terminal; nil when standard input is not a terminal.
    static func readLine(prompt: String) -> String? {
        guard isInteractive else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        return Swift.readLine(strippingNewline: true)
    }

    /// A secret typed with echo off; nil when standard input is not a terminal.
    static func readSecret(prompt: String) -> String? {
        guard isInteractive else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return Swift.readLine(strippingNewline: true)
    }
}

extension ConnectionOptions {
    /// A password for another user: from standard input (one line), or typed twice without echo.
    func newPassword(fromStandardInput: Bool, for user: String) throws -> String {
        if fromStandardInput { return readLine(strippingNewline: true) ?? "" }
        guard Terminal.isInteractive else {
            throw report(CLIError(.usage, "no terminal to ask for the password; use --password-stdin"))
        }
        guard let first = Terminal.readSecret(prompt: "New password for \(user): "),
            let second = Terminal.readSecret(prompt: "The same again: ")
        else { throw report(CLIError(.usage, "cancelled")) }
        guard first == second else { throw report(CLIError(.usage, "the two passwords differ; nothing was changed")) }
        return first
    }
}
