import Foundation
import FuzzSupport
import HallmarkCore
import HallmarkDocuments

/// Fixed, so that a run is reproducible: 2026-12-01T00:00:00Z.
let now = Timestamp(millisecondsSince1970: 1_796_083_200_000)

/// A request body as the HTTP API decodes it (`JSONRequestBody.decode`: a plain `JSONDecoder`) into each request
/// document, then, for those that decode, what the routes do with them before touching the member: each identifier
/// or indicator validated and normalized (`IdentifierInput.identifier(at:)`, the digest form of `POST /v1/check`,
/// `IndicatorInput.submission(at:now:)`), a dispute's origin read. The same bytes as the binary records of
/// `POST /v1/check/digests` (`DigestRecords.decode`), each record read back exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    refusesCleanly("POST /v1/check/digests records", allowing: { $0 is APIProblem }) {
        let lookups = try DigestRecords.decode(bytes)
        guard lookups.count * DigestRecords.recordSize == bytes.count else {
            fatalError("\(bytes.count) bytes decoded to \(lookups.count) records")
        }
        for (position, lookup) in lookups.enumerated() {
            let record = bytes[(position * DigestRecords.recordSize)..<((position + 1) * DigestRecords.recordSize)]
            guard DigestRecords.kinds[record.first ?? 0] == lookup.kind,
                Array(record.dropFirst()) == lookup.digest.bytes
            else { fatalError("record \(position) read back as \(lookup.kind) \(lookup.digest)") }
        }
    }
    let body = Data(bytes)
    let decoder = JSONDecoder()
    let allowed: (any Error) -> Bool = { $0 is HallmarkError || $0 is DecodingError }
    refusesCleanly("CheckRequest", allowing: allowed) {
        let request = try decoder.decode(CheckRequest.self, from: body)
        for (position, input) in request.identifiers.enumerated() {
            refusesCleanly("POST /v1/check identifier") {
                if input.value == nil, let digest = input.digest {
                    _ = try IndicatorKind(parsing: input.kind)
                    _ = try Hash256(hex: digest)
                } else {
                    _ = try input.identifier(at: "identifiers[\(position)]")
                }
            }
        }
    }
    refusesCleanly("IndicatorsRequest", allowing: allowed) {
        let request = try decoder.decode(IndicatorsRequest.self, from: body)
        for (position, input) in request.indicators.enumerated() {
            refusesCleanly("POST /v1/indicators indicator") {
                _ = try input.submission(at: "indicators[\(position)]", now: now)
            }
        }
    }
    refusesCleanly("RetractionsRequest", allowing: allowed) {
        let request = try decoder.decode(RetractionsRequest.self, from: body)
        for (position, input) in request.identifiers.enumerated() {
            refusesCleanly("POST /v1/retractions identifier") {
                _ = try input.identifier(at: "identifiers[\(position)]")
            }
        }
    }
    refusesCleanly("DisputeRequest", allowing: allowed) {
        let request = try decoder.decode(DisputeRequest.self, from: body)
        refusesCleanly("POST /v1/disputes") {
            _ = try IdentifierInput(kind: request.kind, value: request.value).identifier(at: "")
            _ = try MemberID(request.origin)
        }
    }
    refusesCleanly("ClearQuarantineRequest", allowing: allowed) {
        _ = try decoder.decode(ClearQuarantineRequest.self, from: body)
    }
    return 0
}
