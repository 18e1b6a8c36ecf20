// How an unblockd subcommand fails: one line on standard error, naming the command, exit status 1.
import ArgumentParser
import Foundation

func failure(_ command: String, _ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("unblockd \(command): \(message)\n".utf8))
    return ExitCode(1)
}
