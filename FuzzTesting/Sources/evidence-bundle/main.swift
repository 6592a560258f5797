import Foundation
import FuzzSupport
import HallmarkCore
import HallmarkEvidence
import HallmarkPKI

/// The verifier of `hallmark audit verify`, trusting the development alliance CA (loaded once).
let verifier = EvidenceVerifier(
    trust: try! AllianceTrust.load(caFile: repositoryRoot.appendingPathComponent("Certificates/dev/ca.pem"))
)

/// An evidence bundle as `hallmark audit verify` reads a file someone sends: `EvidenceBundle(json:)`, then, for a
/// bundle that reads, every check of `EvidenceVerifier.verify` (certificates, entries, checkpoints, proofs,
/// cosignatures, revocations, the attestation) and the verdict's text.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let json = Data(fuzzBytes(start, count))
    refusesCleanly("EvidenceBundle(json:)") {
        let bundle = try EvidenceBundle(json: json)
        let verdict = waitFor { await verifier.verify(bundle) }
        _ = verdict.text
        _ = verdict.isValid
        _ = try bundle.jsonData()
    }
    return 0
}
