import FuzzSupport
import HallmarkCore
import HallmarkMember

/// Fixed, so that a run is reproducible: 2026-12-01T00:00:00Z.
let now = Timestamp(millisecondsSince1970: 1_796_083_200_000)

/// A file of indicators as `hallmark import` and `hallmark allowlist import` read it, in both formats: CSV with its
/// header (RFC 4180 quoting) and JSON Lines; every line parsed and validated (`IndicatorFile.parse`,
/// `IndicatorFile.parseAllowlist`).
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(fuzzBytes(start, count))
    for (format, name) in [(IndicatorFile.Format.csv, "fuzz.csv"), (.jsonLines, "fuzz.jsonl")] {
        refusesCleanly("IndicatorFile.parse (\(name))") {
            let submissions = try IndicatorFile.parse(bytes, format: format, fileName: name, now: now)
            for submission in submissions { _ = submission.shown }
        }
        refusesCleanly("IndicatorFile.parseAllowlist (\(name))") {
            _ = try IndicatorFile.parseAllowlist(bytes, format: format, fileName: name)
        }
    }
    return 0
}
