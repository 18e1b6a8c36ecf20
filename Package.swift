// swift-tools-version: 6.1
// Unblock: offline smart-card PIN unblock by challenge/response, as a binary RPC service.
import PackageDescription

let package = Package(
    name: "Unblock",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "UnblockWire", targets: ["UnblockWire"]),
        .library(name: "UnblockCrypto", targets: ["UnblockCrypto"]),
        .library(name: "UnblockCore", targets: ["UnblockCore"]),
        .library(name: "UnblockStore", targets: ["UnblockStore"]),
        .library(name: "UnblockServer", targets: ["UnblockServer"]),
        .library(name: "UnblockClient", targets: ["UnblockClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // System libraries, found through pkg-config (Scripts/bootstrap installs them).
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CLDAP",
            pkgConfig: "ldap",
            providers: [.apt(["libldap-dev"])]
        ),
        .systemLibrary(
            name: "CLibcrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // The system calls Swift cannot import as they are (prctl), for unblockd's hardening.
        .target(name: "CUnblockSystem"),

        // The protobuf-c code generated from Protos/ (Scripts/generate-protos); committed.
        .target(name: "CUnblockProtos", dependencies: ["CProtobufC"]),

        // The bridge every hand-written binding stands on: building, packing and checked
        // reading of protobuf-c structs (the wire contract's messages and the store's records).
        .target(
            name: "UnblockProtobufBridge",
            dependencies: ["CProtobufC", .product(name: "NIOCore", package: "swift-nio")]
        ),

        // The public wire contract: Swift bindings for every message and the frame codec.
        .target(
            name: "UnblockWire",
            dependencies: [
                "CUnblockProtos", "CProtobufC", "UnblockProtobufBridge",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // The domain: accounts, cards, profiles, audit, and the rules, as pure code (no I/O, no OpenSSL).
        .target(
            name: "UnblockCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")]
        ),

        // Every cryptographic operation, over the system libcrypto, and its worker pool.
        .target(
            name: "UnblockCrypto",
            dependencies: ["CLibcrypto", "UnblockCore", .product(name: "DequeModule", package: "swift-collections")]
        ),

        // The embedded store: journal, snapshots, recovery and import, on the local file system.
        .target(
            name: "UnblockStore",
            dependencies: [
                "UnblockCore", "UnblockCrypto", "UnblockProtobufBridge", "CUnblockProtos",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        // The RPC server (SwiftNIO): listeners, connections, sessions, and the calls.
        .target(
            name: "UnblockServer",
            dependencies: [
                "UnblockWire", "UnblockProtobufBridge", "UnblockCore", "UnblockCrypto", "UnblockStore", "UnblockTLS",
                "UnblockLDAP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),

        // The HTTP endpoint a Prometheus scraper reads the server's metrics from (NIOHTTP1).
        .target(
            name: "UnblockMetricsEndpoint",
            dependencies: [
                "UnblockServer", "UnblockWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The async Swift client.
        .target(
            name: "UnblockClient",
            dependencies: [
                "UnblockWire", "UnblockProtobufBridge", "UnblockTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),

        // Logins against the organisation's directory (OpenLDAP's libldap), run on a lane that may block.
        .target(name: "UnblockLDAP", dependencies: ["CLDAP"]),

        // The shared store of several nodes on PostgreSQL (postgres-nio): the store protocol over
        // the database, its schema's migrations, and the sessions every node sees.
        .target(
            name: "UnblockPostgres",
            dependencies: [
                "UnblockCore", "UnblockCrypto", "UnblockStore", "UnblockWire", "CLibcrypto",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // QR codes (libqrencode) for enrolling authenticator apps: terminal text and SVG.
        .target(name: "UnblockQRCode", dependencies: ["CQRencode"]),

        // The executables' settings from environment variables and a YAML configuration file.
        .target(
            name: "UnblockSettings",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // What the executables ask on a terminal (secrets without echo).
        .target(name: "UnblockTerminal"),

        // Readiness for systemd (sd_notify), for units with Type=notify.
        .target(name: "UnblockSystemd"),

        // Log lines as text or JSON (one object per line) for the daemons.
        .target(name: "UnblockLogging", dependencies: [.product(name: "Logging", package: "swift-log")]),

        // TLS settings shared by unblockd, its clients, the portal and the harness (over NIOSSL).
        .target(
            name: "UnblockTLS",
            dependencies: [
                "UnblockCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The self-service web portal: pages over UnblockClient (Hummingbird); no directory, no keys.
        .target(
            name: "UnblockPortal",
            dependencies: [
                "UnblockClient", "UnblockWire", "UnblockTLS", "UnblockQRCode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // One message catalogue per language: Languages/<code>.json.
            resources: [.copy("Languages")]
        ),

        // Executables: argument parsing and wiring only.
        .executableTarget(
            name: "unblockd",
            dependencies: [
                "UnblockServer", "UnblockStore", "UnblockCrypto", "UnblockCore", "UnblockWire", "CUnblockSystem",
                "UnblockMetricsEndpoint", "UnblockTLS", "UnblockLDAP", "UnblockLogging", "UnblockSettings",
                "UnblockSystemd", "UnblockTerminal", "UnblockPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        .executableTarget(
            name: "unblockctl",
            dependencies: [
                "UnblockClient", "UnblockWire", "UnblockCrypto", "UnblockTLS", "UnblockQRCode", "UnblockSettings",
                "UnblockTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "unblock-portal",
            dependencies: [
                "UnblockPortal", "UnblockClient", "UnblockWire", "UnblockTLS", "UnblockSettings", "UnblockSystemd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/UnblockPortalCommand"
        ),

        .executableTarget(
            name: "unblock-bench",
            dependencies: [
                "UnblockClient", "UnblockWire", "UnblockCrypto", "UnblockCore", "UnblockTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/UnblockBench"
        ),

        // Micro-benchmarks of the wire and crypto hot paths (run in release by Scripts/microbench).
        .executableTarget(
            name: "unblock-microbench",
            dependencies: [
                "UnblockWire", "UnblockCrypto", "UnblockCore", "UnblockStore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/UnblockMicrobench"
        ),

        // Power cuts simulated on a recorded run of the embedded store (Scripts/crashtest).
        .executableTarget(
            name: "unblock-crashtest",
            dependencies: [
                "UnblockCore", "UnblockStore", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/UnblockCrashTest"
        ),

        // Fuzzing of every parser of client and server bytes (Scripts/fuzz); without the fuzzer, a replay of saved inputs.
        .executableTarget(
            name: "unblock-fuzz",
            dependencies: [
                "UnblockWire", "UnblockProtobufBridge", "UnblockStore", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/UnblockFuzz"
        ),

        .testTarget(
            name: "UnblockWireTests",
            dependencies: [
                "UnblockWire", "UnblockProtobufBridge",
                "CProtobufC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "UnblockQRCodeTests", dependencies: ["UnblockQRCode", "UnblockTesting"]),
        .testTarget(
            name: "UnblockLoggingTests",
            dependencies: ["UnblockLogging", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "UnblockLDAPTests", dependencies: ["UnblockLDAP", "UnblockTesting"]),
        .testTarget(name: "UnblockCryptoTests", dependencies: ["UnblockCrypto", "UnblockCore", "UnblockTesting"]),
        .testTarget(name: "UnblockCoreTests", dependencies: ["UnblockCore", "UnblockCrypto"]),
        .testTarget(
            name: "UnblockStoreTests",
            dependencies: [
                "UnblockStore", "UnblockCore", "UnblockCrypto", "StorageFaults", "UnblockTesting", "unblock-crashtest",
            ]
        ),
        .testTarget(
            name: "UnblockServerTests",
            dependencies: [
                "UnblockServer", "UnblockClient", "UnblockStore", "UnblockCore", "UnblockCrypto", "UnblockWire",
                "UnblockTLS", "UnblockLDAP", "UnblockPostgres", "StorageFaults", "UnblockTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // unblockctl end to end: runs the built unblockd and unblockctl as processes.
        .testTarget(
            name: "unblockctlTests",
            dependencies: [
                "unblockctl", "unblockd", "unblock-bench", "UnblockTesting", "UnblockCrypto", "UnblockClient",
                "UnblockWire",
                "UnblockStore",
            ]),
        // unblock-fuzz's checks replayed on saved inputs, through the built binary.
        .testTarget(
            name: "UnblockFuzzTests",
            dependencies: ["unblock-fuzz", "UnblockWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // unblock-bench in short runs: runs the built unblock-bench and unblockd as processes.
        .testTarget(name: "UnblockBenchTests", dependencies: ["unblock-bench", "unblockd", "UnblockTesting"]),
        // The portal's pages through Hummingbird's test client, against a real unblockd.
        .testTarget(
            name: "UnblockPortalTests",
            dependencies: [
                "UnblockPortal", "UnblockClient", "UnblockWire", "UnblockCrypto", "UnblockTesting", "unblockd",
                "unblock-portal",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // What every test target uses: the built executables, free ports, temporary folders.
        .target(name: "UnblockTesting", dependencies: ["UnblockClient", "UnblockWire"], path: "Tests/UnblockTesting"),
        // Disk faults for the store's and the server's tests: one file layer for both.
        .target(name: "StorageFaults", dependencies: ["UnblockStore"], path: "Tests/StorageFaults"),
        // A child process for the store's crash test (SIGKILLed at random moments).
        .executableTarget(
            name: "store-crash-writer",
            dependencies: ["UnblockStore", "UnblockCore"],
            path: "Tests/StoreCrashWriter"
        ),
    ],
    swiftLanguageModes: [.v6]
)
