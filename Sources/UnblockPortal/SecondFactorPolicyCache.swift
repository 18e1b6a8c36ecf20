// Whether unblockd asks logins for a one-time code: asked with Health, kept for a while.
import Foundation
import Synchronization
import UnblockClient
import UnblockWire

/// unblockd's second-factor policy, so that the login form has a code field when it must.
/// It changes only when unblockd restarts with another setting: asked at most every 30 seconds.
final class SecondFactorPolicyCache: Sendable {
    private let state = Mutex<(policy: SecondFactorPolicy, askedAt: Date)?>(nil)

    func current(_ client: UnblockClient) async -> SecondFactorPolicy {
        if let known = state.withLock({ $0 }), Date.now.timeIntervalSince(known.askedAt) < 30 { return known.policy }
        // Unreachable: the form asks for a code only if it did before (the login will say more).
        guard let policy = try? await client.health(timeout: .seconds(5)).secondFactor else {
            return state.withLock { $0?.policy } ?? .unspecified
        }
        state.withLock { $0 = (policy, .now) }
        return policy
    }
}
