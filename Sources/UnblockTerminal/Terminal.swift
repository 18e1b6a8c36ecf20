// Asking on the terminal: lines, and secrets without echo (passwords, passphrases).
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

public enum Terminal {
    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// A line typed at the terminal; nil when standard input is not a terminal.
    public static func readLine(prompt: String) -> String? {
        guard isInteractive else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        return Swift.readLine(strippingNewline: true)
    }

    /// A secret typed with echo off; nil when standard input is not a terminal.
    public static func readSecret(prompt: String) -> String? {
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
