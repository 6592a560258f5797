import Foundation
import HallmarkCore

// Hallmark's benchmarks: see BENCHMARKS.md. Timing is plain ContinuousClock around loops of
// operations on keys generated outside the timed regions.

guard let options = BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst())) else {
    exit(2)
}

if options.section == .filter || options.section == .all {
    filterSection(options: options)
}
if options.section == .endToEnd || options.section == .all {
    await endToEndSection(options: options)
}
if options.section == .sync || options.section == .all {
    await syncSection(options: options)
}
if options.section == .incremental || options.section == .all {
    await incrementalSection(options: options)
}
if options.section == .evidence || options.section == .all {
    await evidenceSection(options: options)
}
if options.section == .report || options.section == .all {
    await reportSection(options: options)
}
if options.section == .images || options.section == .all {
    imageIndexSection(options: options)
}
