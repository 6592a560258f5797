import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import NIOHTTP1
import Testing

@Suite("GET /metrics")
struct APIMetricsTests {
    /// The samples of a Prometheus text exposition, by series (`name{label="value",…}`).
    static func samples(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let space = try #require(line.lastIndex(of: " "), "not a sample: \(line)")
            let value = try #require(Double(line[line.index(after: space)...]), "not a sample: \(line)")
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test("checks, submissions, a sync with a real peer and API requests move the metrics by what they did")
    func countersMove() async throws {
        // The peer's node records into the process's factory, not into the registry of the node under test.
        let peerFolder = DevelopmentAlliance.temporaryFolder("hallmark-api-peer")
        defer { try? FileManager.default.removeItem(at: peerFolder) }
        let peerNode = try await DevelopmentAlliance.makeNode("brand-b", in: peerFolder)
        let sellers = try (0..<3).map { try Identifier(kind: .seller, value: "shopmart:fake \($0)") }
        try await peerNode.submit(sellers.map { Submission(identifier: $0) })
        let peerServer = try FederationServer(
            member: peerNode,
            host: "127.0.0.1",
            port: 0,
            logger: Logger(label: "test")
        )
        let serving = Task { try await peerServer.serve() }
        defer { peerServer.shutDown() }
        let peer = PeerAddress(member: peerNode.identity.member, host: "127.0.0.1", port: try await peerServer.port)

        try await RunningAPI.with(peers: [APIServer.Peer(member: peer.member, address: "127.0.0.1:\(peer.port)")]) {
            api in
            let submitted = try await api.call(
                .POST,
                "/v1/indicators",
                json: """
                    {"indicators": [{"kind": "sku", "value": "S-1"}, {"kind": "sku", "value": "S-2"},
                     {"kind": "url", "value": "https://shop.example/lapsing", "expires": "1h"}]}
                    """
            )
            #expect(submitted.status == 200)
            let retracted = try await api.call(
                .POST,
                "/v1/retractions",
                json: #"{"identifiers": [{"kind": "sku", "value": "S-2"}]}"#
            )
            #expect(retracted.status == 200)

            let report = try await SyncEngine(member: api.node, logger: Logger(label: "test")).syncOnce(with: peer)
            #expect(report.fetched[peer.member] == 3)
            let disputed = try await api.call(
                .POST,
                "/v1/disputes",
                json:
                    #"{"kind": "seller", "value": "shopmart:fake 0", "origin": "brand-b", "reason": "authorized-reseller"}"#
            )
            #expect(disputed.status == 200)

            let checked = try await api.call(
                .POST,
                "/v1/check",
                json: """
                    {"identifiers": [{"kind": "sku", "value": "S-1"}, {"kind": "seller", "value": "shopmart:fake 1"},
                     {"kind": "sku", "value": "S-9"}]}
                    """
            )
            #expect(checked.status == 200)
            #expect(try await api.call(.GET, "/v1/check/sku/S-9").status == 200)
            // Past its expiry the listing has lapsed: the filter says "maybe", the exact index finds nothing in force.
            let lapsing = try Identifier(kind: .url, value: "https://shop.example/lapsing")
            let later = Timestamp(millisecondsSince1970: Timestamp.now().millisecondsSince1970 + 2 * 3_600_000)
            let lapsed = try await api.node.check(lapsing, at: later)
            #expect(!lapsed.isListed && lapsed.filterFalsePositive)
            #expect(try await api.call(.GET, "/v1/nothing").status == 404)

            let scraped = try await api.call(.GET, "/metrics")
            #expect(scraped.status == 200)
            #expect(scraped.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = try Self.samples(String(decoding: scraped.body, as: UTF8.self))
            #expect(samples[#"hallmark_checks_total{result="listed"}"#] == 2)
            #expect(samples[#"hallmark_checks_total{result="not_listed"}"#] == 3)
            #expect(samples["hallmark_filter_false_positives_total"] == 1)
            #expect(samples[#"hallmark_submissions_total{action="assert"}"#] == 3)
            #expect(samples[#"hallmark_submissions_total{action="retract"}"#] == 1)
            #expect(samples[#"hallmark_submissions_total{action="dispute"}"#] == 1)
            #expect(samples[#"hallmark_sync_batches_total{peer="brand-b"}"#] == 1)
            #expect(samples[#"hallmark_sync_entries_total{peer="brand-b"}"#] == 3)
            #expect(samples[#"hallmark_sync_lag_entries{peer="brand-b"}"#] == 0)
            #expect(samples[#"hallmark_peer_batches_rejected_total{peer="brand-b"}"#] == 0)
            #expect(samples[#"hallmark_log_entries{origin="brand-a"}"#] == 5)
            #expect(samples[#"hallmark_log_entries{origin="brand-b"}"#] == 3)
            // brand-b's checkpoint, verified and committed, is cosigned by this node.
            #expect(samples["hallmark_cosignatures_made_total"] == 1)
            let filter = api.node.store.filterStatistics
            #expect(samples["hallmark_filter_inserted"] == Double(filter.insertedCount))
            #expect(samples["hallmark_filter_capacity"] == Double(filter.capacity))

            // The histogram: one series per method, route pattern and status, with its buckets.
            let histogram = "hallmark_http_request_duration_seconds"
            let single = #"method="GET",route="/v1/check/{kind}/{value}",status="200""#
            #expect(samples["\(histogram)_count{\(single)}"] == 1)
            #expect(samples["\(histogram)_bucket{\(single),le=\"+Inf\"}"] == 1)
            #expect(samples["\(histogram)_bucket{\(single),le=\"0.0001\"}"] != nil)
            #expect(samples[#"\#(histogram)_count{method="POST",route="/v1/check",status="200"}"#] == 1)
            #expect(samples[#"\#(histogram)_count{method="GET",route="unmatched",status="404"}"#] == 1)
            #expect(!samples.keys.contains { $0.contains("S-9") }, "a raw path became a label")

            // The same sync, as GET /v1/peers shows it.
            let peers = try await api.call(.GET, "/v1/peers").decode(APIDocument.Peers.self)
            let sync = try #require(peers.peers.first?.sync)
            #expect(sync.outcome == "ok")
            #expect(sync.entriesFetched == 3)
            #expect(sync.lagEntries == 0)
            #expect(sync.detail == nil)
        }
        peerServer.shutDown()
        _ = await serving.result
    }
}

extension APIMetricsTests {
    @Test("every metric the node records has help text: each metric name in Sources/ is in the table")
    func helpForEveryMetric() throws {
        let sources = DevelopmentAlliance.repositoryRoot.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var names: Set<String> = []
        let pattern = /"(hallmark_[a-z_]+)"/
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n")
            where line.contains("label: \"hallmark_") || line.contains("= \"hallmark_") {
                for match in line.matches(of: pattern) { names.insert(String(match.1)) }
            }
        }
        #expect(names.count >= 16, "\(names.sorted())")
        #expect(
            names.subtracting(MetricsExposition.help.keys).isEmpty,
            "no help text for \(names.subtracting(MetricsExposition.help.keys).sorted())"
        )
    }

    @Test(
        "/metrics parses with prometheus_client: a HELP line for every family, process metrics and build info",
        .enabled(if: ExternalTool.pythonPrometheus.shouldRun, "python3 with prometheus_client is missing")
    )
    func prometheusParses() async throws {
        try ExternalTool.pythonPrometheus.require()
        try await RunningAPI.with { api in
            _ = try await api.call(.POST, "/v1/indicators", json: #"{"indicators": [{"kind": "sku", "value": "M-1"}]}"#)
            _ = try await api.call(.GET, "/v1/check/sku/M-1")
            let metrics = try await api.call(.GET, "/metrics")
            #expect(metrics.status == 200)
            let file = api.folder.appendingPathComponent("metrics.txt")
            try metrics.body.write(to: file)
            // Prints each family as `name<TAB>type<TAB>help`, and each build-info sample's labels.
            let script = """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                    print(f"{family.name}\\t{family.type}\\t{family.documentation}")
                    if family.name == "hallmark_build_info":
                        for sample in family.samples:
                            print(f"build\\t{sample.labels['version']}\\t{float(sample.value)}")
                """
            let run = try await ExternalTool.run("python3", ["-c", script, file.path])
            #expect(run.status == 0, "\(run.output)")
            var families: [String: (type: String, help: String)] = [:]
            for line in run.output.split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                if fields.count == 3, fields[0] != "build" { families[fields[0]] = (fields[1], fields[2]) }
            }
            // prometheus_client names a counter family without its `_total` suffix.
            #expect(families["hallmark_checks"]?.type == "counter", "\(families.keys.sorted())")
            #expect(families["hallmark_http_request_duration_seconds"]?.type == "histogram")
            for (name, family) in families {
                #expect(!family.help.isEmpty, "\(name) has no HELP line")
            }
            for name in [
                "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                "process_start_time_seconds", "hallmark_build_info",
            ] {
                #expect(families[name]?.type == "gauge", "\(name): \(String(describing: families[name]))")
            }
            #expect(families["process_cpu_seconds"]?.type == "counter", "\(families.keys.sorted())")
            #expect(run.output.contains("build\t\(HallmarkVersion.number)\t1.0"), "\(run.output)")
        }
    }
}
