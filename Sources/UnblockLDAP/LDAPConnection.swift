// One connection to a directory server: TLS set up (ldaps://, or StartTLS), then binds and searches.
import CLDAP
import Foundation

/// An open LDAP connection. Used by one login at a time (the directory hands it out and
/// takes it back); libldap's handle is not shared between threads meanwhile.
final class LDAPConnection: @unchecked Sendable {
    struct Failure: Error {
        let code: Int32
        var message: String { String(cString: ldap_err2string(code)) }
    }

    /// One entry of a search: its DN and the values of the attributes asked for.
    struct Entry {
        let distinguishedName: String
        let attributes: [String: [String]]
        func values(_ name: String) -> [String] {
            attributes.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value ?? []
        }
    }

    private let handle: OpaquePointer

    /// Connects to `url`; over TLS always (StartTLS on `ldap://`), except plain `ldap://` on
    /// loopback when the settings allow it.
    init(url: String, settings: LDAPSettings) throws(Failure) {
        var handle: OpaquePointer?
        let opened = unblock_ldap_open(url, settings.caFile, settings.timeoutSeconds, &handle)
        guard opened == LDAP_SUCCESS, let handle else { throw Failure(code: opened) }
        self.handle = handle
        // Connected now (ldaps:// would wait for the first operation), so that a server that is
        // down sends the login to the next URL.
        let connected = ldap_connect(handle)
        guard connected == LDAP_SUCCESS else { throw Failure(code: connected) }
        if url.hasPrefix("ldap://") && !(settings.allowPlainOnLoopback && Self.isLoopback(url)) {
            let started = ldap_start_tls_s(handle, nil, nil)
            guard started == LDAP_SUCCESS else { throw Failure(code: started) }
        }
    }

    deinit { ldap_unbind_ext_s(handle, nil, nil) }

    /// A simple bind; the LDAP result code (`LDAP_INVALID_CREDENTIALS` for a wrong password).
    func bind(dn: String, password: String) -> Int32 {
        var password = password
        return password.withUTF8 { bytes in
            unblock_ldap_bind(
                handle, dn, UnsafeRawPointer(bytes.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) },
                bytes.count)
        }
    }

    /// The entries under (or at) `base` that `filter` selects, with `attributes`.
    func search(base: String, subtree: Bool, filter: String, attributes: [String], timeout: Int32, limit: Int32)
        -> Result<[Entry], Failure>
    {
        var names = attributes.map { strdup($0) } + [nil]
        defer { for name in names { free(name) } }
        var message: OpaquePointer?
        let code = unblock_ldap_search(handle, base, subtree ? 1 : 0, filter, &names, timeout, limit, &message)
        defer { if let message { ldap_msgfree(message) } }
        // No such base: no entries, not a failure of the directory.
        if code == LDAP_NO_SUCH_OBJECT { return .success([]) }
        guard code == LDAP_SUCCESS || code == LDAP_SIZELIMIT_EXCEEDED else { return .failure(Failure(code: code)) }
        var entries: [Entry] = []
        var entry = ldap_first_entry(handle, message)
        while let current = entry {
            var dn = ""
            if let text = ldap_get_dn(handle, current) {
                dn = String(cString: text)
                ldap_memfree(text)
            }
            var values: [String: [String]] = [:]
            for name in attributes where name != "1.1" {
                guard let found = ldap_get_values_len(handle, current, name) else { continue }
                let count = Int(ldap_count_values_len(found))
                values[name] = (0..<count).compactMap { index in
                    found[index].map {
                        String(
                            decoding: UnsafeRawBufferPointer(start: $0.pointee.bv_val, count: Int($0.pointee.bv_len)),
                            as: UTF8.self)
                    }
                }
                ldap_value_free_len(found)
            }
            entries.append(Entry(distinguishedName: dn, attributes: values))
            entry = ldap_next_entry(handle, current)
        }
        return .success(entries)
    }

    private static func isLoopback(_ url: String) -> Bool {
        let host = url.dropFirst("ldap://".count).prefix { $0 != ":" && $0 != "/" }
        return host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
    }
}
