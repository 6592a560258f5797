import Foundation
import FuzzSupport
import HallmarkCore
import HallmarkInterchange

/// Fixed, so that a run is reproducible: 2026-12-01T00:00:00Z.
let now = Timestamp(millisecondsSince1970: 1_796_083_200_000)

/// A STIX 2.1 bundle as `hallmark import FILE.json` reads it (`STIXImport`, its patterns through `STIXPattern`), and
/// the same bytes as TAXII query parameters, one `name=value` per line (`TAXIIQuery`). Every indicator object must be
/// accounted for exactly once: imported, or counted as left out, or reported.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(fuzzBytes(start, count))
    refusesCleanly("STIXImport") {
        let bundle = try STIXImport(reading: data, allianceKeyID: "k0123456789abcdef", now: now, source: "fuzz.json")
        let accounted =
            bundle.submissions.count + bundle.revoked + bundle.expired + bundle.merged + bundle.superseded
            + bundle.unsupported.count
        guard accounted == bundle.indicators else {
            fatalError("\(bundle.indicators) indicators read, \(accounted) accounted for")
        }
        for submission in bundle.submissions { try submission.validate() }
    }
    refusesCleanly("TAXIIQuery") {
        var parameters: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        _ = try TAXIIQuery(parameters: parameters)
    }
    return 0
}
