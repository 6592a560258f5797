import Foundation
import HallmarkCore
import Prometheus

#if canImport(Glibc)
    import Glibc
#endif

/// What `GET /metrics` serves: the registry's families, each with a `# HELP` line (swift-metrics has no place for
/// one, so the text is kept here, by family name), then the process's own metrics under the names Prometheus's
/// client libraries use, and a build-info gauge.
package enum MetricsExposition {
    /// The help text of every family the node records. A family missing here is served without a HELP line; a test
    /// checks that none is.
    package static let help: [String: String] = [
        "hallmark_checks_total": "Identifiers checked, by verdict.",
        "hallmark_filter_false_positives_total":
            "Checks the Bloom filter passed that the exact index found nothing in force for.",
        "hallmark_submissions_total": "Entries appended to this member's own log, by action.",
        "hallmark_sync_batches_total": "Batches fetched from a peer, verified and committed.",
        "hallmark_sync_entries_total": "Entries fetched from a peer, verified and committed.",
        "hallmark_sync_lag_entries": "Entries a peer offers that this node lacks, as of the last comparison.",
        "hallmark_peer_batches_rejected_total": "Logs a peer offered that failed verification and were rejected.",
        "hallmark_federation_connections_refused_total":
            "Connections to the federation listener refused or closed, by reason.",
        "hallmark_federation_calls_refused_total": "Federation calls refused over a member's budget, by reason.",
        "hallmark_cosignatures_made_total": "Checkpoints of other origins this node verified and cosigned.",
        "hallmark_cosignatures_received_total": "Peers' cosignatures verified and kept.",
        "hallmark_cosignatures_rejected_total": "Peers' cosignatures that failed verification and were ignored.",
        "hallmark_http_request_duration_seconds": "Time to answer an HTTP API request, by method, route and status.",
        "hallmark_filter_inserted": "Digests in the Bloom filter.",
        "hallmark_filter_capacity": "Digests the Bloom filter was sized for at its false-positive target.",
        "hallmark_listed_table_keys":
            "Listed indicators whose provenance is held in memory (approximate between compactions).",
        "hallmark_listed_table_bytes": "Bytes the in-memory table of listed indicators holds, roughly.",
        "hallmark_listed_table_loaded":
            "1 when positive checks are answered from memory, 0 while the table is (re)built and the store answers.",
        "hallmark_log_entries": "Entries held of each origin's log.",
    ]

    /// The exposition text.
    package static func render(_ registry: PrometheusCollectorRegistry) -> [UInt8] {
        var text = ""
        for line in String(decoding: registry.emitToBuffer(), as: UTF8.self).split(separator: "\n") {
            // `# TYPE name kind`: the family starts here; its HELP goes first.
            if line.hasPrefix("# TYPE "), let name = line.split(separator: " ").dropFirst(2).first,
                let help = help[String(name)]
            {
                text += "# HELP \(name) \(help)\n"
            }
            text += line + "\n"
        }
        text += processMetrics()
        text += "# HELP hallmark_build_info The running build: its version and protocol version; always 1.\n"
        text += "# TYPE hallmark_build_info gauge\n"
        text +=
            "hallmark_build_info{version=\"\(HallmarkVersion.number)\",protocol=\"\(HallmarkVersion.protocolVersion)\"} 1\n"
        return Array(text.utf8)
    }

    /// The process metrics of Prometheus's client libraries, read from `/proc/self` (Linux; none elsewhere).
    static func processMetrics() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return "" }
        // After the command name (which may hold spaces), field 3 of proc(5) comes first.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? {
            let index = number - 3
            return fields.indices.contains(index) ? Double(fields[index]) : nil
        }
        let ticks = Double(sysconf(Int32(truncatingIfNeeded: _SC_CLK_TCK)))
        let page = Double(sysconf(Int32(truncatingIfNeeded: _SC_PAGESIZE)))
        let pages = statm.split(separator: " ").compactMap { Double($0) }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: Double?) {
            guard let value else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        if ticks > 0, let user = field(14), let system = field(15) {
            metric(
                "process_cpu_seconds_total",
                "counter",
                "User and system CPU time, in seconds.",
                (user + system) / ticks
            )
        }
        metric(
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory, in bytes.",
            pages.count > 1 ? pages[1] * page : nil
        )
        metric("process_virtual_memory_bytes", "gauge", "Virtual memory, in bytes.", pages.first.map { $0 * page })
        metric("process_open_fds", "gauge", "Open file descriptors.", Double(descriptors))
        metric("process_max_fds", "gauge", "The limit of open file descriptors.", Double(limit.rlim_cur))
        if ticks > 0, let started = field(22), let boot = bootTime {
            metric(
                "process_start_time_seconds",
                "gauge",
                "When the process started, in seconds since the Unix epoch.",
                boot + started / ticks
            )
        }
        return text
    }

    /// When the machine booted, in seconds since the Unix epoch (`btime` of `/proc/stat`).
    private static var bootTime: Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return stat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
    }
}
