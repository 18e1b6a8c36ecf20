// Every method of the contract, over all its services.

/// The methods of every service of the contract.
public enum ContractMethods {
    /// Every full method name, `SelfService`'s then `Admin`'s.
    public static let names: [String] = SelfService.methodNames + Admin.methodNames
}
