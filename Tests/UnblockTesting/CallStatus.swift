// What a client call ended with, as a status code: the tests' one way to expect a refusal.
import UnblockClient
import UnblockWire

/// The status a call fails with (nil when it succeeds).
public func status(_ body: () async throws -> some Any) async -> StatusCode? {
    do {
        _ = try await body()
        return nil
    } catch let error as UnblockClientError {
        return error.code
    } catch {
        return .unknown
    }
}
