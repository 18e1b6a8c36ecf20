// unblockctl given several nodes' sockets: the next answers when one is gone.
import Testing
import UnblockTesting

extension UnblockctlTests {
    /// Several sockets (nodes sharing a store): the first is gone, the next answers, and the saved
    /// session names both, so that the next command finds it.
    @Test func severalSocketsTheFirstGoneTheNextAnswers() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let sockets = "\(cli.folder)/gone.sock,\(cli.socket)"
        let health = cli.run(["health", "--socket", sockets])
        #expect(health.status == 0 && health.output.contains("serving"), "\(health.errors)")
        let login = cli.run(
            ["login", "--user", "alice", "--password-stdin", "--socket", sockets], input: "alice-demo-password\n")
        #expect(login.status == 0, "\(login.errors)")
        let cards = cli.run(["cards", "--socket", sockets])
        #expect(cards.status == 0 && cards.output.contains("04A1B2C3D4E5F6"), "\(cards.errors)")
        // Both gone: each is named with its reason.
        let none = cli.run(["health", "--socket", "\(cli.folder)/a.sock,\(cli.folder)/b.sock"])
        #expect(none.status != 0 && none.errors.contains("a.sock") && none.errors.contains("b.sock"), "\(none.errors)")
    }
}
