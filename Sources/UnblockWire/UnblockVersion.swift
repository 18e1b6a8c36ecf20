// The release version of every Unblock binary, kept in this one place.

/// The version `unblockd`, `unblockctl` and `unblock-bench` print with `--version`, and Health reports.
public enum UnblockVersion {
    public static let current = "0.2.0"
}
