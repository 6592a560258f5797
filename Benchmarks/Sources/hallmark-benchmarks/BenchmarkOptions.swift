/// The command line: see ``usage``.
struct BenchmarkOptions {
    /// Which parts to run.
    enum Section: String {
        case filter, endToEnd = "end-to-end", sync, incremental, evidence, report, images, all
    }

    var section = Section.all
    /// The key counts of the filter section.
    var keyCounts = [1_000_000]
    /// Present and absent lookups per key count; by default the key count, at most 10 M.
    var probeLimit = 10_000_000
    /// Passes per key count; each figure is the best of them.
    var passes = 3
    /// Entries in the log of the sync section.
    var syncEntries = 1_000_000
    /// Entries per signed batch when the sync section's source node builds its log.
    var syncBatch = 100_000
    /// Entries every node of the incremental section holds before its rounds.
    var incrementalHeld = 1_000_000
    /// Rounds of the incremental section.
    var incrementalRounds = 100
    /// Entries in the log of the evidence section.
    var evidenceEntries = 1_000_000
    /// Entries in the store of the report section.
    var reportEntries = 1_000_000
    /// The stored hash counts of the images section.
    var imageHashCounts = [1_000_000]
    /// Where the report section writes the HTML report it rendered, to look at; nowhere when `nil`.
    var reportHTML: String?

    static let usage = """
        usage: hallmark-benchmarks [--section filter|end-to-end|sync|incremental|evidence|report|images|all] [--keys N[,N…]]
                                   [--probes N] [--passes N] [--sync-entries N] [--sync-batch N]
                                   [--incremental-held N] [--incremental-rounds N]
                                   [--evidence-entries N] [--report-entries N] [--report-html FILE]
                                   [--image-hashes N[,N…]]
          --section  which measurements to run (default: all)
          --keys     filter sizes in keys, comma-separated (default: 1000000; 100000000 takes a few minutes)
          --probes   at most this many present and this many absent lookups per size (default: 10000000)
          --passes   measure each size this many times and report the best figures (default: 3)
          --sync-entries  entries in the log the sync section syncs (default: 1000000)
          --sync-batch    entries per signed batch when building that log (default: 100000)
          --incremental-held    entries of brand-a's log every node holds before the incremental rounds (default: 1000000)
          --incremental-rounds  rounds of 1000 new entries timed until a check two hops away lists them (default: 100)
          --evidence-entries  entries in the log the evidence section proves and verifies (default: 1000000)
          --report-entries    entries in the store the report section reports on (default: 1000000)
          --report-html       keep the HTML report the report section renders in this file
          --image-hashes      stored PDQ hashes of the images section, comma-separated (default: 1000000)
        """

    /// Parses the arguments after the program name; `nil` after printing what is wrong.
    init?(arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else {
                print("\(flag) needs a value\n\(Self.usage)")
                return nil
            }
            switch flag {
            case "--section":
                guard let section = Section(rawValue: value) else {
                    print("unknown section \(value)\n\(Self.usage)")
                    return nil
                }
                self.section = section
            case "--keys":
                let counts = value.split(separator: ",").compactMap { Int($0.replacing("_", with: "")) }
                guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1_000 && $0 <= 1_000_000_000 }) else {
                    print("--keys takes counts from 1000 to 1000000000, got \(value)\n\(Self.usage)")
                    return nil
                }
                keyCounts = counts
            case "--probes":
                guard let limit = Int(value), limit >= 1_000 else {
                    print("--probes takes a count of at least 1000, got \(value)\n\(Self.usage)")
                    return nil
                }
                probeLimit = limit
            case "--passes":
                guard let passes = Int(value), passes >= 1 else {
                    print("--passes takes a count of at least 1, got \(value)\n\(Self.usage)")
                    return nil
                }
                self.passes = passes
            case "--evidence-entries", "--report-entries":
                guard let count = Int(value.replacing("_", with: "")), count >= 1_000, count <= 100_000_000 else {
                    print("\(flag) takes a count from 1000 to 100000000, got \(value)\n\(Self.usage)")
                    return nil
                }
                if flag == "--evidence-entries" { evidenceEntries = count } else { reportEntries = count }
            case "--image-hashes":
                let counts = value.split(separator: ",").compactMap { Int($0.replacing("_", with: "")) }
                guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1_000 && $0 <= 100_000_000 }) else {
                    print("--image-hashes takes counts from 1000 to 100000000, got \(value)\n\(Self.usage)")
                    return nil
                }
                imageHashCounts = counts
            case "--report-html":
                reportHTML = value
            case "--incremental-held", "--incremental-rounds":
                guard let count = Int(value.replacing("_", with: "")), count >= 0, count <= 100_000_000,
                    flag == "--incremental-held" || count >= 1
                else {
                    print(
                        "\(flag) takes a count from \(flag == "--incremental-held" ? 0 : 1) to 100000000, got \(value)\n\(Self.usage)"
                    )
                    return nil
                }
                if flag == "--incremental-held" { incrementalHeld = count } else { incrementalRounds = count }
            case "--sync-entries", "--sync-batch":
                guard let count = Int(value.replacing("_", with: "")), count >= 1, count <= 100_000_000 else {
                    print("\(flag) takes a count from 1 to 100000000, got \(value)\n\(Self.usage)")
                    return nil
                }
                if flag == "--sync-entries" { syncEntries = count } else { syncBatch = count }
            default:
                print("unknown option \(flag)\n\(Self.usage)")
                return nil
            }
        }
    }
}
