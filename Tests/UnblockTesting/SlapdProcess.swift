// A real OpenLDAP server for a test: slapd on free ports in a folder of the test's, seeded, with TLS.
import Foundation

/// `slapd` with the suffix `dc=example,dc=org`: people under `ou=people` (alice, dora, desk,
/// admin, carl who is disabled, erin whose Active Directory flags say disabled, "o,neil" whose
/// name needs escaping), groups under `ou=groups` (`unblock-helpdesk`, `unblock-admins`),
/// StartTLS on `ldap://` and `ldaps://`, with the server certificate of `certificates`.
public final class SlapdProcess {
    public static let suffix = "dc=example,dc=org"
    public let plainURL: String
    public let tlsURL: String
    private let folder: String
    private let process = Process()

    public init(in folder: String, certificates: TestCertificates) async throws {
        self.folder = folder + "/slapd"
        try FileManager.default.createDirectory(atPath: self.folder + "/db", withIntermediateDirectories: true)
        let plain = try freeTCPPort()
        let tls = try freeTCPPort()
        plainURL = "ldap://127.0.0.1:\(plain)"
        tlsURL = "ldaps://127.0.0.1:\(tls)"
        let configuration = """
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include \(self.folder)/active-directory.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile \(self.folder)/slapd.pid
            TLSCACertificateFile \(certificates.caFile)
            TLSCertificateFile \(certificates.certificate("server"))
            TLSCertificateKeyFile \(certificates.key("server"))
            database mdb
            maxsize 10485760
            suffix "\(Self.suffix)"
            rootdn "cn=admin,\(Self.suffix)"
            rootpw directory-root-password
            directory \(self.folder)/db
            access to attrs=userPassword by anonymous auth by * none
            access to * by * read
            """
        try Data(configuration.utf8).write(to: URL(filePath: self.folder + "/slapd.conf"))
        try Data(Self.activeDirectorySchema.utf8).write(to: URL(filePath: self.folder + "/active-directory.schema"))
        try Data(Self.seed.utf8).write(to: URL(filePath: self.folder + "/seed.ldif"))
        let added = runProgram(
            URL(filePath: "/usr/sbin/slapadd"), ["-f", self.folder + "/slapd.conf", "-l", self.folder + "/seed.ldif"],
            environment: ["PATH": "/usr/sbin:/usr/bin:/bin"])
        guard added.status == 0 else { throw TestingError("slapadd: \(added.errors)") }
        process.executableURL = URL(filePath: "/usr/sbin/slapd")
        process.arguments = ["-f", self.folder + "/slapd.conf", "-h", "\(plainURL)/ \(tlsURL)/", "-d", "0"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if (try? Self.connects(port: plain)) == true { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestingError("slapd did not start")
    }

    /// Stops it at once (SIGKILL: its data is the test's, and a graceful stop waits for the
    /// connections clients keep open), as a crashed or unplugged directory would.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        // Polled: Foundation's waitUntilExit has hung in tests on a loaded machine.
        for _ in 0..<250 where process.isRunning { usleep(20_000) }
    }

    deinit { stop() }

    static func connects(port: Int) throws -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static let seed = """
        dn: \(suffix)
        objectClass: dcObject
        objectClass: organization
        o: Example
        dc: example

        dn: ou=people,\(suffix)
        objectClass: organizationalUnit
        ou: people

        dn: ou=groups,\(suffix)
        objectClass: organizationalUnit
        ou: groups

        \(person("alice", "Alice Directory"))
        \(person("dora", "Dora Directory"))
        \(person("desk", "Desk Directory"))
        \(person("admin", "Admin Directory"))
        \(person("carl", "Carl Directory", extra: "employeeType: disabled\n"))
        \(person("erin", "Erin Directory", extra: "objectClass: unblockTestADAccount\nuserAccountControl: 514\n"))
        \(person("o\\,neil", "O'Neil Directory", uid: "o,neil"))
        dn: cn=unblock-helpdesk,ou=groups,\(suffix)
        objectClass: groupOfNames
        cn: unblock-helpdesk
        member: uid=desk,ou=people,\(suffix)

        dn: cn=unblock-admins,ou=groups,\(suffix)
        objectClass: groupOfNames
        cn: unblock-admins
        member: uid=admin,ou=people,\(suffix)

        """

    /// Active Directory's account flags, so that an entry can carry them as AD's do (514: a
    /// normal account, disabled).
    static let activeDirectorySchema = """
        attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
            EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
        objectclass ( 1.3.6.1.4.1.32473.1.1 NAME 'unblockTestADAccount' SUP top AUXILIARY MAY userAccountControl )
        """

    /// A person whose password is `NAME-ldap-password` (NAME: the uid).
    static func person(_ rdn: String, _ name: String, uid: String? = nil, extra: String = "") -> String {
        let uid = uid ?? rdn
        return """
            dn: uid=\(rdn),ou=people,\(suffix)
            objectClass: inetOrgPerson
            uid: \(uid)
            cn: \(name)
            sn: Directory
            displayName: \(name)
            userPassword: \(uid)-ldap-password
            \(extra)
            """
    }
}
