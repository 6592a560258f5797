import Foundation
import HallmarkTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real `hallmark node` under load: wrk sends single checks over loopback while batches are imported and
/// retracted through the HTTP API and the filter is rebuilt in the background.
@Suite("load: single checks under imports, retractions and filter rebuilds")
struct LoadTests {
    /// SKUs `LOAD-0 ..< LOAD-20000` are listed before the node starts; wrk asks about `LOAD-0 ..< LOAD-40000`.
    static let listed = 20_000
    /// `LOAD-0 ..< LOAD-1500` are retracted during the run: more than the node's retraction threshold
    /// (`FilterMaintenance.Policy.retractionThreshold`, 1000), so the filter is rebuilt while wrk checks.
    static let retracted = 1_500
    /// Batches of new indicators imported during the run, and their size.
    static let importBatches = 10
    static let importBatchSize = 1_000

    @Test(
        "every single check answers 200 and right while batches are imported and retracted and the filter rebuilt",
        .enabled(if: ExternalTool.wrk.shouldRun)
    )
    func checksUnderImportsAndRebuilds() async throws {
        try ExternalTool.wrk.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        var csv = "kind,value\n"
        for i in 0..<Self.listed { csv += "sku,LOAD-\(i)\n" }
        try await cli.succeed(["import", "--data", cli.data, try cli.write("listed.csv", Data(csv.utf8))])
        let node = try NodeProcess(serving: cli.data, in: cli.folder)
        defer { _ = node.stop() }
        let port = try await node.apiPort()
        let api = "http://127.0.0.1:\(port)"
        #expect(try await Self.verdict(api, "LOAD-1") == "listed")

        // The writes run beside rounds of wrk, each 5 s long, until they are done and the rebuild they call for has
        // happened (the round under way then finishes); then one more round checks against the rebuilt filter.
        let reports = try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask {
                try await Self.write(api, node: node)
                return []
            }
            group.addTask {
                var reports: [String] = []
                repeat { reports.append(try await Self.checkRound(api)) } while !Task.isCancelled && reports.count < 60
                return reports
            }
            var reports = try await group.next() ?? []
            group.cancelAll()
            reports += try await group.next() ?? []
            return reports + [try await Self.checkRound(api)]
        }
        var checked = 0.0
        for report in reports {
            #expect(!report.contains("Non-2xx"), "\(report)")
            #expect(!report.contains("Socket errors"), "\(report)")
            let figures = try #require(
                report.split(separator: "\n").first { $0.hasPrefix("hallmark-single:") },
                "\(report)"
            )
            let counts = Self.counts(figures)
            #expect(counts["non200"] == 0, "\(report)")
            #expect(counts["wrong"] == 0, "\(report)")
            #expect(counts["errors"] == 0, "\(report)")
            checked += counts["requests"] ?? 0
        }
        #expect(reports.count >= 2 && checked > 0, "\(reports)")
        #expect(node.log.contains("filter rebuilt"))

        // Afterwards: retracted, kept, imported and never listed identifiers all answer right, one by one and in a batch.
        let expected = [
            ("LOAD-0", "not_listed"), ("LOAD-\(Self.retracted - 1)", "not_listed"),
            ("LOAD-\(Self.retracted)", "listed"), ("LOAD-\(Self.listed - 1)", "listed"),
            ("LOAD-\(Self.listed)", "not_listed"), ("IMPORT-0-0", "listed"),
            ("IMPORT-\(Self.importBatches - 1)-\(Self.importBatchSize - 1)", "listed"),
        ]
        for (value, status) in expected {
            #expect(try await Self.verdict(api, value) == status, "\(value)")
        }
        let batch = try await Self.post(
            api,
            "/v1/check",
            #"{"identifiers":[\#(expected.map { #"{"kind":"sku","value":"\#($0.0)"}"# }.joined(separator: ","))]}"#
        )
        let verdicts = try #require(batch.json["verdicts"] as? [[String: Any]], "\(batch.body)")
        #expect(verdicts.map { $0["status"] as? String } == expected.map(\.1))
        let status = try await Self.get(api, "/v1/status")
        let listed = try #require(status.json["listed"] as? [String: Any], "\(status.body)")
        #expect(listed["sku"] as? Int == Self.listed - Self.retracted + Self.importBatches * Self.importBatchSize)
        #expect(
            status.json["entries"] as? Int == Self.listed + Self.retracted + Self.importBatches * Self.importBatchSize
        )
        #expect(node.stop() == 0)
    }

    /// Imports the batches, retracting `LOAD-0 ..< LOAD-1500` after the third, then waits for the filter rebuild
    /// those retractions call for (FilterMaintenance looks every second).
    static func write(_ api: String, node: NodeProcess) async throws {
        let rebuilds = { node.log.components(separatedBy: "filter.reason=retractions").count }
        var rebuildsBefore = rebuilds()
        for batch in 0..<importBatches {
            let indicators = (0..<importBatchSize).map { #"{"kind":"sku","value":"IMPORT-\#(batch)-\#($0)"}"# }
            let imported = try await post(
                api,
                "/v1/indicators",
                #"{"indicators":[\#(indicators.joined(separator: ","))]}"#
            )
            #expect(imported.status == 200, "import \(batch): \(imported.body)")
            #expect(imported.json["appended"] as? Int == importBatchSize, "import \(batch): \(imported.body)")
            if batch == 2 {
                rebuildsBefore = rebuilds()
                let identifiers = (0..<retracted).map { #"{"kind":"sku","value":"LOAD-\#($0)"}"# }
                let retraction = try await post(
                    api,
                    "/v1/retractions",
                    #"{"identifiers":[\#(identifiers.joined(separator: ","))],"note":"load test"}"#
                )
                #expect(retraction.status == 200, "retraction: \(retraction.body)")
                #expect(retraction.json["appended"] as? Int == retracted, "retraction: \(retraction.body)")
            }
        }
        while rebuilds() == rebuildsBefore {
            try #require(node.process.isRunning, "the node stopped; log:\n\(node.log)")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// wrk for 5 s on single checks of `LOAD-0 ..< LOAD-40000` (8 connections; a request unanswered after 10 s is a
    /// timeout error): its report.
    static func checkRound(_ api: String) async throws -> String {
        let (status, report) = try await Wrk.run(
            script: Wrk.script("checks.lua"),
            url: api,
            arguments: ["single", "sku", "LOAD-", "\(listed)", "\(2 * listed)", "\(retracted)"],
            connections: 8,
            seconds: 5,
            timeout: 10
        )
        #expect(status == 0, "\(report)")
        return report
    }

    /// The `key=value` figures of the script's `hallmark-single:` line.
    static func counts(_ line: Substring) -> [String: Double] {
        Dictionary(
            line.split(separator: " ").dropFirst().compactMap { pair -> (String, Double)? in
                let parts = pair.split(separator: "=")
                guard parts.count == 2, let value = Double(parts[1]) else { return nil }
                return (String(parts[0]), value)
            },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// An answer of the API: status, body, and the body parsed as a JSON object.
    struct Answer {
        var status: Int
        var body: String
        var json: [String: Any]
    }

    /// The `status` of `GET /v1/check/sku/VALUE`.
    static func verdict(_ api: String, _ value: String) async throws -> String? {
        let answer = try await get(api, "/v1/check/sku/\(value)")
        #expect(answer.status == 200, "\(value): \(answer.body)")
        return answer.json["status"] as? String
    }

    static func get(_ api: String, _ path: String) async throws -> Answer {
        try await call(URLRequest(url: try #require(URL(string: api + path))))
    }

    static func post(_ api: String, _ path: String, _ json: String) async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: api + path)))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(json.utf8)
        return try await call(request)
    }

    private static func call(_ request: URLRequest) async throws -> Answer {
        var request = request
        request.timeoutInterval = 120
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Answer(status: status, body: String(decoding: data, as: UTF8.self), json: json)
    }
}
