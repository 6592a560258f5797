import Foundation
import FuzzSupport
import HallmarkCore
@testable import HallmarkFederation
import HallmarkPKI
import HallmarkProtocol
import SwiftProtobuf
import X509

let trust = try! AllianceTrust.load(caFile: repositoryRoot.appendingPathComponent("Certificates/dev/ca.pem"))

/// A `Hallmark_V1_OriginHead` as `GetHeads` and `WatchHeads` bring it from a peer, decoded, then checked as the sync
/// engine does before it fetches anything: `HeadCheck` (origin, sizes, checkpoint, certificate), then what
/// `Member.checkOffered` does with it, the certificate read back from its PEM, verified against the development CA,
/// the name it certifies, and the checkpoint's signature with its key.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let head: Hallmark_V1_OriginHead
    do {
        head = try Hallmark_V1_OriginHead(serializedBytes: Array(fuzzBytes(start, count)))
    } catch is BinaryDecodingError {
        return 0
    } catch {
        fatalError("protobuf decoding threw an undocumented \(type(of: error)): \(error)")
    }
    refusesCleanly("HeadCheck") {
        let check = try HeadCheck(head)
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: check.certificatePEM)
        } catch {
            fatalError("HeadCheck's certificate PEM does not read back: \(error)")
        }
        let named: Result<MemberID, any Error> = waitFor {
            do {
                return .success(try await trust.verify(member: certificate, at: Date(), revocations: nil))
            } catch {
                return .failure(error)
            }
        }
        guard try named.get() == check.origin else {
            throw HallmarkError(.untrustedCredential, "the certificate offered for \(check.origin) names another member")
        }
        try check.checkpoint.verifySignature(using: try certificate.signingPublicKey())
    }
    return 0
}
