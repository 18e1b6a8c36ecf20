// What a password an administrator sets must be, and what a username may be.

/// The rules for passwords an administrator sets (in a directory file, over the Admin
/// service, or hashed for either), and for usernames.
public enum PasswordRules {
    /// The shortest password accepted (NIST SP 800-63B asks for 8; an unblock service asks more).
    public static let minimumLength = 12
    /// The passwords of `Examples/demo-directory.json`, published in the README: only a file
    /// marked `"demo": true` may use them.
    static let demoPasswords: Set = [
        "alice-demo-password", "bob-demo-password", "carol-demo-password", "desk-demo-password",
        "admin-demo-password",
    ]

    /// Why `password` cannot be used, or nil.
    public static func problem(with password: String, inDemoFile: Bool = false) -> String? {
        if password.count < minimumLength { return "shorter than \(minimumLength) characters" }
        if demoPasswords.contains(password) && !inDemoFile { return "a published demo password; choose another" }
        return nil
    }
}

extension Account {
    /// Whether `name` can be a username: 1 to 64 ASCII letters, digits, dots, dashes,
    /// underscores or @ (what directories and terminals handle alike).
    public static func isValidUsername(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0))
            }
    }

    /// What `isValidUsername` asks, in words.
    public static let usernameRule = "use 1 to 64 letters, digits, dots, dashes, underscores or @"
}
