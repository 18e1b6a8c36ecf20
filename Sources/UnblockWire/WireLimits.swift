// The contract's size limits, named where clients of the contract look for them.
import UnblockProtobufBridge

/// The limits of the contract (frame and field sizes), as the bridge enforces them.
public typealias WireLimits = UnblockProtobufBridge.WireLimits
