// Asking on the terminal for a new password.
import UnblockTerminal

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
