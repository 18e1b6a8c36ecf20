// The store and the crypto pool as Services, so that the service group stops them after the server.
import ServiceLifecycle
import UnblockCore
import UnblockCrypto
import UnblockStore

/// Keeps the store open until graceful shutdown, then closes it (the embedded store's final snapshot).
public struct StoreService: Service {
    let store: any DirectoryStore
    public init(store: any DirectoryStore) { self.store = store }

    public func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
    }
}

/// Keeps the crypto pool running until graceful shutdown, then drains it.
public struct CryptoPoolService: Service {
    let pool: CryptoPool
    public init(pool: CryptoPool) { self.pool = pool }

    public func run() async throws {
        try? await gracefulShutdown()
        await pool.shutdown()
    }
}
