import Foundation
import FuzzSupport
import HallmarkCore
import HallmarkPKI
import X509

let trust = try! AllianceTrust.load(caFile: repositoryRoot.appendingPathComponent("Certificates/dev/ca.pem"))
/// A member certificate to look up in a list that verifies.
let member = try! Certificate(
    pemEncoded: String(decoding: repositoryFile("Certificates/dev/brand-b/member.pem"), as: UTF8.self)
)

/// The alliance's revocation list as a node installs one it is given: from DER (`RevocationList(derEncoded:trust:)`)
/// and from PEM text (`RevocationList(pemEncoded:trust:)`, as `revocations.pem` is read); a list that verifies is
/// queried as the node does and must encode back to its bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(fuzzBytes(start, count))
    refusesCleanly("RevocationList(derEncoded:trust:)") {
        let list = try RevocationList(derEncoded: bytes, trust: trust)
        guard list.derBytes == bytes else { fatalError("a revocation list keeps other bytes than it read") }
        use(list)
    }
    refusesCleanly("RevocationList(pemEncoded:trust:)") {
        use(try RevocationList(pemEncoded: String(decoding: bytes, as: UTF8.self), trust: trust))
    }
    return 0
}

func use(_ list: RevocationList) {
    _ = list.pemString
    _ = list.isOutdated(at: Date())
    _ = list.isRevoked(member, at: Date())
    _ = list.revocation(of: member)
    for revocation in list.revocations.prefix(16) {
        _ = list.revocations(of: revocation.memberID)
        _ = list.revocation(serialNumber: revocation.serialNumber)
        _ = revocation.isInEffect(at: Date())
    }
}
