// Admin.ListUsers, CreateUser, UpdateUser and SetPassword through a real server.
import NIOCore
import Testing
import UnblockClient
import UnblockCore
import UnblockCrypto
import UnblockServer
import UnblockTesting
import UnblockWire

@Suite struct AdminAccountTests {
    @Test(arguments: Transport.allCases)
    func anAdministratorAddsAUserWhoLogsInAtOnce(_ transport: Transport) async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", transport)
            let created = try await admin.createUser(
                CreateUserRequest(
                    username: "erin", displayName: "Erin Example", roles: [.helpdesk],
                    secret: .password("a long enough password")))
            #expect(created.changed && created.user.user.roles == [.helpdesk] && created.user.user.state == .active)
            let erin = server.client(transport)
            let login = try await erin.authenticate(username: "erin", password: "a long enough password")
            #expect(login.user?.displayName == "Erin Example")
            #expect(try await erin.getUser(username: "bob").user.username == "bob", "erin is the help desk")
            let event = server.store.withDirectory { $0.recentAudit.last { $0.action == "create-user" } }
            #expect(event?.actor == "admin" && event?.target == "erin")
            #expect(event?.detail.contains("long enough") == false, "never the password")
        }
    }

    @Test func whatAnAdministratorSendsIsCheckedAndRefusedInWords() async throws {
        try await TestServer.with { server in
            let admin = try await server.login("admin", .unix)
            func create(_ username: String, _ secret: PasswordSecret?, roles: [Role] = []) async -> StatusCode? {
                await status {
                    try await admin.createUser(CreateUserRequest(username: username, roles: roles, secret: secret))
                }
            }
            #expect(await create("bob", .password("a long enough password")) == .alreadyExists)
            #expect(await create("has space", .password("a long enough password")) == .invalidArgument)
            #expect(await create("frank", .password("short")) == .invalidArgument)
            #expect(await create("frank", .password("alice-demo-password")) == .invalidArgument, "a published one")
            #expect(await create("frank", nil) == .invalidArgument)
            #expect(await create("frank", .hash("not a hash")) == .invalidArgument)
            let weak = try PasswordHasher(iterations: TestServer.passwordIterations - 1).hash("a long enough password")
            #expect(await create("frank", .hash(weak)) == .invalidArgument)
            #expect(
                await create("frank", .password("a long enough password"), roles: [.unspecified]) == .invalidArgument)
            let hash = try PasswordHasher(iterations: TestServer.passwordIterations).hash("frank's own password")
            #expect(await create("frank", .hash(hash)) == nil)
            try await server.client(.unix).authenticate(username: "frank", password: "frank's own password")
            let desk = try await server.login("desk", .unix)
            #expect(
                await status {
                    try await desk.createUser(
                        CreateUserRequest(username: "gina", secret: .password("a long enough password")))
                } == .permissionDenied)
        }
    }

    @Test func pagesOfUsersReturnEachUserOnceInOrder() async throws {
        try await TestServer.with { server in
            try await server.store.commit { directory in
                let first = directory.newAccountID().rawValue
                let accounts = (0..<25).map { number in
                    Account(
                        id: AccountID(first + UInt32(number)), username: String(format: "p-%02d", (number * 7) % 25),
                        displayName: "P", passwordHash: "x")
                }
                return (accounts.map(Mutation.account), ())
            }
            let desk = try await server.login("desk", .unix)
            var names: [String] = []
            var token = ""
            var pages = 0
            repeat {
                let page = try await desk.listUsers(prefix: "p-", pageSize: 7, pageToken: token)
                #expect(page.users.count <= 7)
                names += page.users.map(\.user.username)
                token = page.nextPageToken
                pages += 1
            } while !token.isEmpty
            #expect(pages == 4)
            #expect(names == (0..<25).map { String(format: "p-%02d", $0) })
            #expect(try await desk.allUsers(prefix: "p-1").count == 10)
            #expect(try await desk.allUsers().count == 30, "the demo's five and these")
            #expect(await status { try await desk.listUsers(pageToken: "garbage") } == .invalidArgument)
            #expect(await status { try await desk.listUsers(pageSize: 1_001) } == .invalidArgument)
        }
    }

    @Test func deactivatingAUserEndsTheirSessionsAndNoAdministratorLocksThemselvesOut() async throws {
        try await TestServer.with { server in
            let (admin, bob) = (try await server.login("admin", .unix), try await server.login("bob", .unix))
            let renamed = try await admin.updateUser(UpdateUserRequest(username: "bob", displayName: "Robert"))
            #expect(renamed.changed && renamed.user.user.displayName == "Robert")
            #expect(
                try await admin.updateUser(UpdateUserRequest(username: "bob", displayName: "Robert")).changed == false)
            _ = try await bob.listCards()
            #expect(try await admin.updateUser(UpdateUserRequest(username: "bob", state: .inactive)).changed)
            #expect(await status { try await bob.listCards() } == .unauthenticated)
            let promoted = try await admin.updateUser(
                UpdateUserRequest(username: "bob", roles: [.selfService, .helpdesk]))
            #expect(promoted.user.user.roles == [.selfService, .helpdesk])
            for change in [
                UpdateUserRequest(username: "admin", state: .inactive),
                UpdateUserRequest(username: "admin", roles: [.helpdesk]),
            ] {
                #expect(await status { try await admin.updateUser(change) } == .failedPrecondition)
            }
            #expect(await status { try await admin.updateUser(UpdateUserRequest(username: "nobody")) } == .notFound)
        }
    }

    @Test func aNewPasswordEndsTheUsersSessions() async throws {
        try await TestServer.with { server in
            let (admin, bob) = (try await server.login("admin", .unix), try await server.login("bob", .unix))
            _ = try await admin.setPassword(username: "bob", secret: .password("bob's brand new password"))
            #expect(await status { try await bob.listCards() } == .unauthenticated)
            #expect(
                await status { try await bob.authenticate(username: "bob", password: "bob-demo-password") }
                    == .unauthenticated)
            try await bob.authenticate(username: "bob", password: "bob's brand new password")
            #expect(server.store.withDirectory { $0.recentAudit.last?.action } == "set-password")
        }
    }

    @Test func passwordsAreRefusedOverPlainTCPThatLeavesTheMachine() async throws {
        let outside = try #require(try Self.outsideAddress(), "this test needs a network interface besides loopback")
        try await TestServer.with(configure: {
            $0.listeners.append(.hostname(outside, port: 0))
            $0.allowInsecureTCP = true
        }) { server in
            let remote = UnblockClient(target: try Self.port(server, outside), defaultTimeout: .seconds(10))
            // Even the login: a password would cross the network in clear.
            #expect(
                await status { try await remote.authenticate(username: "admin", password: "admin-demo-password") }
                    == .failedPrecondition)
            // The same administrator over the Unix socket may.
            _ = try await server.login("admin", .unix).setPassword(
                username: "bob", secret: .password("bob's brand new password"))
        }
        // Unless the operator says so, loudly.
        try await TestServer.with(configure: {
            $0.listeners.append(.hostname(outside, port: 0))
            $0.allowInsecureTCP = true
            $0.allowSecretsOverInsecureTCP = true
        }) { server in
            let remote = UnblockClient(target: try Self.port(server, outside), defaultTimeout: .seconds(10))
            try await remote.authenticate(username: "admin", password: "admin-demo-password")
            _ = try await remote.createUser(
                CreateUserRequest(username: "henry", secret: .password("a long enough password")))
        }
    }

    /// An IPv4 address of this machine that is not loopback.
    static func outsideAddress() throws -> String? {
        try System.enumerateDevices().compactMap { device -> String? in
            guard case .v4? = device.address, let ip = device.address?.ipAddress, !ip.hasPrefix("127.") else {
                return nil
            }
            return ip
        }.first
    }

    /// The server's listener on `host`.
    static func port(_ server: TestServer, _ host: String) throws -> BindAddress {
        guard case .hostname(_, let port) = server.addresses.last! else { throw TestingError("no TCP listener") }
        return .hostname(host, port: port)
    }
}
