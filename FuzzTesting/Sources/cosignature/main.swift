import Foundation
import FuzzSupport
import HallmarkCore
import HallmarkPKI
import HallmarkProtocol
import SwiftProtobuf
import X509

/// The development alliance, and the checkpoint every offered cosignature is checked against (checkpoints.json, the
/// log of acme-brand at size 7).
let trust = try! AllianceTrust.load(caFile: repositoryRoot.appendingPathComponent("Certificates/dev/ca.pem"))
let checkpoint = TestVectors.checkpoints[0]

/// A `Hallmark_V1_Cosignature` as a peer's head carries it, decoded and verified as the member layer does
/// (`Member.receiveCosignatures`, its private `verify(_:of:from:)`): the cosigner's id, the time, the signature's
/// form (`Cosignature(cosigner:time:signature:)`), the offered certificate, its verification against the alliance CA,
/// the name it certifies, and the signature over the checkpoint.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let message: Hallmark_V1_Cosignature
    do {
        message = try Hallmark_V1_Cosignature(serializedBytes: Array(fuzzBytes(start, count)))
    } catch is BinaryDecodingError {
        return 0
    } catch {
        fatalError("protobuf decoding threw an undocumented \(type(of: error)): \(error)")
    }
    refusesCleanly("cosignature verification") {
        // SyncEngine.receiveCosignatures: the certificate's size first.
        guard message.certificateDer.count <= 16 << 10 else { throw refused("certificate over 16 KiB") }
        let cosigner = try MemberID(message.cosigner)
        guard cosigner != checkpoint.origin else { throw refused("the origin cosigns itself") }
        guard message.time <= UInt64(Timestamp.protocolRange.upperBound / 1000) else { throw refused("time") }
        let cosignature = try Cosignature(
            cosigner: cosigner,
            time: Timestamp(millisecondsSince1970: Int64(message.time) * 1000),
            signature: Array(message.signature)
        )
        _ = cosignature.signedMessage(for: checkpoint)
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: Array(message.certificateDer))
        } catch {
            // The member layer reports any decoding failure as `malformed`.
            throw refused("the certificate does not decode: \(error)")
        }
        let named: Result<MemberID, any Error> = waitFor {
            do {
                return .success(try await trust.verify(member: certificate, at: Date(), revocations: nil))
            } catch {
                return .failure(error)
            }
        }
        guard try named.get() == cosigner else { throw refused("the certificate names another member") }
        try cosignature.verify(checkpoint, using: try certificate.signingPublicKey())
    }
    return 0
}

/// A refusal the member layer makes with its own message.
func refused(_ why: String) -> HallmarkError {
    HallmarkError(.invalidValue, why)
}
