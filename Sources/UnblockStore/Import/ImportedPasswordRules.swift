// What a password given in a directory file (or hashed for one) must be.

/// The rules for passwords an administrator sets in bulk.
public enum ImportedPasswordRules {
    /// The shortest password accepted (NIST SP 800-63B asks for 8; an unblock service asks more).
    public static let minimumLength = 12
    /// The passwords of `Examples/demo-directory.json`, published in the README: only a file
    /// marked `"demo": true` may use them.
    static let demoPasswords: Set = [
        "alice-demo-password", "bob-demo-password", "carol-demo-password", "admin-demo-password",
    ]

    /// Why `password` cannot be used, or nil.
    public static func problem(with password: String, inDemoFile: Bool = false) -> String? {
        if password.count < minimumLength { return "shorter than \(minimumLength) characters" }
        if demoPasswords.contains(password) && !inDemoFile { return "a published demo password; choose another" }
        return nil
    }
}
