import AsyncHTTPClient
import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkEvidence
import HallmarkMember
import NIOCore
import NIOHTTP1

/// A member's running node, reached over its control socket: the HTTP API of `Protocol/http-api.openapi.json` on a
/// Unix domain socket in the node's data folder, which only the folder's owner can open (so no credential is sent).
///
/// The node applies each change itself, so its filter and its peers see it at once. Its problems come back as the
/// ``HallmarkError``s the same operation on the store throws: same code, message and location.
public struct NodeClient: MemberAccess {
    /// The control socket's path.
    public let socketPath: String

    /// How long one request may take: an import's batch of ``APILimits/maximumBatch`` indicators on a busy machine.
    static let requestTimeout: TimeAmount = .minutes(10)
    /// How long the node may take to answer the probe before the socket counts as dead.
    static let probeTimeout: TimeAmount = .seconds(10)
    /// The largest answer read: a batch of verdicts, each with every origin's assertion.
    static let maximumAnswerBytes = 512 << 20

    /// The HTTP client of every request to a node: without a read timeout, since the node answers an import or a sync
    /// round only once it is done, silent meanwhile (minutes for a file of 10 M lines, where `HTTPClient.shared`'s 90 s
    /// read timeout cut the import off); each request has its deadline (`timeout`) instead. Lives as long as the process.
    private static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10)))
    )

    /// A client for the node serving `socketPath`; nothing is connected before the first request.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Asks the node whether it is up (`GET /healthz`).
    /// - Throws: ``HallmarkError`` `peer-problem` when nothing answers on the socket (a stale socket file refuses the
    ///   connection) or the answer is not the node's.
    public func probe() async throws {
        let health = try await send(.GET, "/healthz", as: APIDocument.Health.self, timeout: Self.probeTimeout)
        guard health.status == "ok" else {
            throw HallmarkError(.peerProblem, "the node answers /healthz with '\(health.status)'", location: socketPath)
        }
    }

    public func submit(_ submissions: [Submission], progress: (_ sent: Int) -> Void) async throws
        -> SubmissionOutcome
    {
        // Refuse locally what the store would refuse before appending anything, with the same error.
        try Submission.validate(submissions)
        var total = SubmissionOutcome(appended: 0, unchanged: 0, logSize: 0)
        var sent = 0
        try await inBatches(submissions) { batch in
            try Self.encoder.encode(IndicatorsRequest(indicators: batch.map(IndicatorInput.init)))
        } send: { body, count in
            let outcome = try await send(.POST, "/v1/indicators", body: body, as: APIDocument.Outcome.self)
            total.appended += outcome.appended
            total.unchanged += outcome.unchanged
            total.logSize = outcome.logSize
            sent += count
            progress(sent)
        }
        if submissions.isEmpty { total.logSize = try await status().ownLogSize }
        return total
    }

    public func importFile(at path: String, progress: (ImportProgress) -> Void) async throws -> ImportOutcome {
        // Checked here first, as the store checks it (the node applies its own image-quality floor when it imports
        // it): a bad line is named in the user's file, and nothing is sent.
        let format = try IndicatorFile.Format(fileName: path)
        let total = try IndicatorFile.check(path: path, now: .now(), format: format, minimumQuality: 0) { progress($0) }
        let body = try FileChunks(path: path)
        let startSize = try await status().ownLogSize
        var committed = 0
        do {
            // The node answers once the whole file is imported; meanwhile its log's growth is the progress.
            let answer = try await withThrowingTaskGroup(of: Data?.self) { group in
                group.addTask {
                    try await send(
                        .POST,
                        "/v1/indicators",
                        body: .stream(body, length: .known(body.size)),
                        contentType: format == .csv ? "text/csv" : "application/jsonl",
                        timeout: Self.importTimeout
                    )
                }
                group.addTask { try await Self.progressTick() }
                while let finished = try await group.next() {
                    if let answer = finished {
                        group.cancelAll()
                        return answer
                    }
                    if let size = try? await status().ownLogSize, size >= startSize {
                        committed = Int(truncatingIfNeeded: size - startSize)
                        progress(.appending(committed: committed, total: total))
                    }
                    group.addTask { try await Self.progressTick() }
                }
                throw CancellationError()
            }
            return ImportOutcome(
                indicators: total,
                outcome: SubmissionOutcome(try decode(APIDocument.Outcome.self, answer, from: .POST, "/v1/indicators"))
            )
        } catch let error as HallmarkError
            where error.location == IndicatorFile.bodyName
            || error.location?.hasPrefix(IndicatorFile.bodyName + ":") == true
        {
            // The node names the body it was sent; the user knows it as their file (named as a direct import names it).
            let line = error.location?.dropFirst(IndicatorFile.bodyName.count) ?? ""
            let location = line.isEmpty ? path : URL(fileURLWithPath: path).lastPathComponent + line
            throw HallmarkError(error.code, error.message, location: location)
        } catch let error as HallmarkError where error.code == .peerProblem {
            // The node went away mid-import: what it committed before is kept (at least what its log showed).
            throw HallmarkError(
                .peerProblem,
                "the running node stopped answering during the import: at least \(committed) of \(total) indicators "
                    + "were committed and are kept; run the same import again to add the rest (what is already "
                    + "stored counts as unchanged). The node said: \(error.message)",
                location: path
            )
        }
    }

    /// How long an import sent to the node may take: a file of tens of millions of lines.
    static let importTimeout: TimeAmount = .hours(24)

    /// Waits between two looks at an import's progress; `nil` stands for "not the answer yet".
    private static func progressTick() async throws -> Data? {
        try await Task.sleep(for: .seconds(1))
        return nil
    }

    /// Has the node run one round of sync with `peer` (`MEMBER@HOST:PORT`), so that what it fetches is in the node's
    /// filter at once; waits for it however long it takes (an hour at most).
    public func sync(peer: String) async throws -> APIDocument.SyncResult {
        try await send(
            .POST,
            "/v1/sync",
            body: try Self.encoder.encode(SyncRequest(peer: peer)),
            as: APIDocument.SyncResult.self,
            timeout: .hours(1)
        )
    }

    public func retract(_ identifiers: [Identifier], note: String) async throws -> SubmissionOutcome {
        let body = try Self.encoder.encode(
            RetractionsRequest(identifiers: identifiers.map(IdentifierInput.init), note: note)
        )
        return SubmissionOutcome(try await send(.POST, "/v1/retractions", body: body, as: APIDocument.Outcome.self))
    }

    public func dispute(_ identifier: Identifier, origin: MemberID, reason: String, note: String) async throws
        -> SubmissionOutcome
    {
        let body = try Self.encoder.encode(DisputeRequest(identifier, origin: origin, reason: reason, note: note))
        return SubmissionOutcome(try await send(.POST, "/v1/disputes", body: body, as: APIDocument.Outcome.self))
    }

    public func check(_ identifiers: [Identifier], imageDistance: Int?) async throws -> [APIDocument.VerdictBody] {
        var verdicts: [APIDocument.VerdictBody] = []
        verdicts.reserveCapacity(identifiers.count)
        try await inBatches(identifiers) { batch in
            try Self.encoder.encode(
                CheckRequest(identifiers: batch.map(IdentifierInput.init), maxDistance: imageDistance)
            )
        } send: { body, _ in
            verdicts += try await send(.POST, "/v1/check", body: body, as: APIDocument.Verdicts.self).verdicts
        }
        return verdicts
    }

    public func audit(_ identifier: Identifier) async throws -> APIDocument.AuditBody {
        let path = "/v1/audit/\(Self.segment(identifier.kind.name))/\(Self.segment(identifier.normalized))"
        return try await send(.GET, path, as: APIDocument.AuditBody.self)
    }

    public func evidence(_ identifier: Identifier) async throws -> EvidenceBundle {
        let path = "/v1/evidence/\(Self.segment(identifier.kind.name))/\(Self.segment(identifier.normalized))"
        let answer = try await send(.GET, path)
        do {
            return try EvidenceBundle(json: answer)
        } catch let error as HallmarkError {
            throw HallmarkError(
                .malformed,
                "the running node's answer to GET \(path) is not an evidence bundle: \(error.message)",
                location: socketPath
            )
        }
    }

    public func auditOrigin(_ origin: MemberID) async throws -> OriginAudit {
        try await send(.GET, "/v1/origins/\(Self.segment(origin.rawValue))", as: OriginAudit.self)
    }

    public func clearQuarantine(of origin: MemberID, note: String) async throws -> APIDocument.QuarantineClearance {
        let body = try Self.encoder.encode(ClearQuarantineRequest(note: note))
        let path = "/v1/origins/\(Self.segment(origin.rawValue))/clear-quarantine"
        return try await send(.POST, path, body: body, as: APIDocument.QuarantineClearance.self)
    }

    public func contributionReport(since: String?) async throws -> ContributionReport {
        let path = "/v1/report" + (since.map { "?since=\(Self.segment($0))" } ?? "")
        return try await send(.GET, path, as: ContributionReport.self)
    }

    public func status() async throws -> APIDocument.StatusBody {
        try await send(.GET, "/v1/status", as: APIDocument.StatusBody.self)
    }

    public func peers() async throws -> APIDocument.Peers? {
        try await send(.GET, "/v1/peers", as: APIDocument.Peers.self)
    }

    /// Nothing to close: the shared HTTP client keeps no connection worth ending, and the node runs on.
    public func close() async throws {}

    /// Sends `items` in order, in requests within the API's limits: at most ``APILimits/maximumBatch`` items, and a
    /// body of at most ``APILimits/maximumBodyBytes`` (a batch encoded larger is halved until it fits).
    private func inBatches<Item>(
        _ items: [Item],
        encode: ([Item]) throws -> Data,
        send: (_ body: Data, _ count: Int) async throws -> Void
    ) async throws {
        var start = items.startIndex
        while start < items.endIndex {
            var count = min(APILimits.maximumBatch, items.endIndex - start)
            var body = try encode(Array(items[start..<start + count]))
            while body.count > APILimits.maximumBodyBytes, count > 1 {
                count /= 2
                body = try encode(Array(items[start..<start + count]))
            }
            try await send(body, count)
            start += count
        }
    }

    /// One request and its answer, decoded as `type`; a problem answer is thrown as the ``HallmarkError`` it carries.
    private func send<Answer: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        as type: Answer.Type,
        timeout: TimeAmount = NodeClient.requestTimeout
    ) async throws -> Answer {
        try decode(type, try await send(method, path, body: body, timeout: timeout), from: method, path)
    }

    /// The node's answer to `method` `path`, decoded as `type`.
    private func decode<Answer: Decodable>(
        _ type: Answer.Type,
        _ answer: Data,
        from method: HTTPMethod,
        _ path: String
    ) throws -> Answer {
        do {
            return try APIDocument.makeDecoder().decode(type, from: answer)
        } catch {
            throw HallmarkError(
                .malformed,
                "the running node's answer to \(method.rawValue) \(path) is not the API's document: \(error)",
                location: socketPath
            )
        }
    }

    /// One request with a JSON body (or none) and its answer's body; a problem answer is thrown as the
    /// ``HallmarkError`` it carries.
    private func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        timeout: TimeAmount = NodeClient.requestTimeout
    ) async throws -> Data {
        try await send(
            method,
            path,
            body: body.map { .bytes(ByteBuffer(bytes: $0)) },
            contentType: "application/json",
            timeout: timeout
        )
    }

    /// One request and its answer's body; a problem answer is thrown as the ``HallmarkError`` it carries.
    private func send(
        _ method: HTTPMethod,
        _ path: String,
        body: HTTPClientRequest.Body?,
        contentType: String,
        timeout: TimeAmount
    ) async throws -> Data {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw HallmarkError(.invalidValue, "cannot address the control socket", location: socketPath)
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = body
        }
        let status: HTTPResponseStatus
        let answer: Data
        do {
            let response = try await Self.http.execute(request, timeout: timeout)
            status = response.status
            answer = Data(try await response.body.collect(upTo: Self.maximumAnswerBytes).readableBytesView)
        } catch {
            throw HallmarkError(
                .peerProblem,
                "the running node did not answer \(method.rawValue) \(path): \(error)",
                location: socketPath
            )
        }
        guard status == .ok else {
            if let problem = try? JSONDecoder().decode(APIProblem.self, from: answer) {
                throw HallmarkError(problem)
            }
            throw HallmarkError(
                .peerProblem,
                "the running node answered \(method.rawValue) \(path) with HTTP \(status.code)",
                location: socketPath
            )
        }
        return answer
    }

    /// An encoder for request bodies: their keys are single words, so they need no conversion.
    private static var encoder: JSONEncoder { JSONEncoder() }

    /// The percent-encoding of a path segment or a query value: `/`, `&`, `=` and `+` (a space in a query) included.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%&=+")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
