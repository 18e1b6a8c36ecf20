// store-crash-writer: commits numbered accounts and prints each number once its commit is acknowledged.
// The crash test SIGKILLs it at random moments and checks that every printed number survived.
import Foundation
import UnblockCore
import UnblockStore

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: store-crash-writer DATA_DIR COUNT\n".utf8))
    exit(2)
}
var configuration = EmbeddedStore.Configuration(dataDirectory: arguments[1])
configuration.snapshotEveryCommits = 40  // snapshots and rotations happen mid-run too
configuration.journalPreallocation = 16 << 10  // and journal files made ahead of use run out
configuration.logger.logLevel = .critical
let store = try EmbeddedStore(configuration: configuration)
let first = store.withDirectory { $0.nextAccountID }
try await withThrowingTaskGroup(of: Void.self) { group in
    // Four concurrent writers, so that group commit batches are part of what gets killed.
    for lane in 0..<4 {
        group.addTask {
            for index in stride(from: lane, to: count, by: 4) {
                let id = first + UInt32(index)
                let account = Account(
                    id: AccountID(id), username: "crash\(id)", displayName: "Crash \(id)",
                    passwordHash: "$pbkdf2-sha256$i=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAA")
                try await store.commit { _ in ([.account(account)], ()) }
                FileHandle.standardOutput.write(Data("ack \(id)\n".utf8))  // unbuffered: one write per ack
            }
        }
    }
    try await group.waitForAll()
}
try await store.close()
