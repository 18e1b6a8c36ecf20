// Runs libFuzzer over the wire and recovery checks when built for fuzzing (Scripts/fuzz), else replays saved inputs.
import Foundation

#if FUZZING
    /// libFuzzer's driver, for a program with a main of its own (SwiftPM gives executables theirs).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32
#endif

/// Every check on one input: the wire parsers, and the store's recovery. (A global function:
/// libFuzzer's C callback cannot capture, and calling a static method from it crashed swiftc 6.3.1.)
func checkInput(_ bytes: UnsafeRawBufferPointer) {
    WireFuzzing.check(bytes)
    StoreFuzzing.check(bytes)
}

/// Built with `-sanitize=fuzzer -DFUZZING`: libFuzzer with its usual options (`Scripts/fuzz`).
/// Otherwise `unblock-fuzz FILE...` runs the fuzzer's checks on saved inputs (a crash's
/// reproducer, a corpus) and exits 0 when every input passes (a failed check stops it).
@main enum UnblockFuzz {
    static func main() throws {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(
                runFuzzerDriver(&argc, &argv) { data, count in
                    checkInput(UnsafeRawBufferPointer(start: data, count: count))
                    return 0
                })
        #else
            let paths = CommandLine.arguments.dropFirst()
            guard !paths.isEmpty else {
                FileHandle.standardError.write(
                    Data("usage: unblock-fuzz FILE... (Scripts/fuzz runs the fuzzer)\n".utf8))
                exit(64)
            }
            for path in paths {
                let bytes = try [UInt8](Data(contentsOf: URL(filePath: path)))
                bytes.withUnsafeBytes(checkInput)
            }
            print("\(paths.count) inputs checked")
        #endif
    }
}
