import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import NIOHTTP1
import Testing

@Suite("POST /v1/indicators with an indicator file as the body")
struct IndicatorFileUploadTests {
    @Test("a CSV body larger than a chunk is imported whole, in chunks each under its own checkpoint, and not kept")
    func csvInChunks() async throws {
        try await RunningAPI.with { api in
            let count = Member.importChunkSize + 1_234
            let csv =
                "kind,value,confidence,reason\n" + (0..<count).map { "sku,UPLOAD-\($0),70,counterfeit\n" }.joined()
            let answer = try await api.call(.POST, "/v1/indicators", json: csv, contentType: "text/csv; charset=utf-8")
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            let outcome = try answer.decode(APIDocument.Outcome.self)
            #expect(outcome.appended == count && outcome.unchanged == 0 && outcome.logSize == UInt64(count))
            for number in [0, Member.importChunkSize - 1, Member.importChunkSize, count - 1] {
                let verdict = try await api.node.check(Identifier(kind: .sku, value: "UPLOAD-\(number)"))
                #expect(verdict.isListed && verdict.origins.first?.confidence == 70, "UPLOAD-\(number)")
            }
            // Two chunks, two signed checkpoints: the first covers exactly the first chunk.
            let member = api.node.identity.member
            let chunk = UInt64(Member.importChunkSize)
            #expect(try await api.node.store.checkpoint(of: member, treeSize: chunk) != nil)
            #expect(try await api.node.store.checkpoint(of: member, treeSize: chunk + 1) == nil)
            #expect(try await api.node.store.checkpoint(of: member, treeSize: UInt64(count)) != nil)
            // The body was written to the data folder to be imported, and is gone.
            let left = try? FileManager.default.contentsOfDirectory(atPath: api.node.uploadsDirectory.path)
            #expect(left?.isEmpty ?? true, "\(left ?? [])")

            // The same file again: nothing new.
            let again = try await api.call(.POST, "/v1/indicators", json: csv, contentType: "text/csv")
            #expect(try again.decode(APIDocument.Outcome.self).unchanged == count)
        }
    }

    @Test("one indicator file at a time: another sent meanwhile is answered 503 busy, and goes through after")
    func oneAtATime() async throws {
        try await RunningAPI.with { api in
            // The first file, half sent: its head and its first line, the rest held back.
            let first = "kind,value\nsku,FIRST-1\nsku,FIRST-2\n"
            let socket = try LoopbackSocket.connect(port: api.port)
            defer { close(socket) }
            func transmit(_ text: String) throws {
                let bytes = Array(text.utf8)
                let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                try #require(sent == bytes.count)
            }
            try transmit(
                "POST /v1/indicators HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: \(first.utf8.count)\r\n\r\nkind,value\n"
            )
            // Admitted once its spool file exists.
            let uploads = api.node.uploadsDirectory.path
            let deadline = ContinuousClock.now + .seconds(30)
            while (try? FileManager.default.contentsOfDirectory(atPath: uploads))?.isEmpty ?? true {
                try #require(ContinuousClock.now < deadline, "the first file was not admitted")
                try await Task.sleep(for: .milliseconds(10))
            }
            let second = "kind,value\nsku,SECOND-1\n"
            let busy = try await api.call(.POST, "/v1/indicators", json: second, contentType: "text/csv")
            #expect(busy.status == 503, "\(String(decoding: busy.body, as: UTF8.self))")
            #expect(try busy.decode(APIProblem.self).code == "busy")
            #expect(!(try await api.node.check(Identifier(kind: .sku, value: "SECOND-1")).isListed))

            // The first completes; then the second goes through.
            try transmit(String(first.dropFirst("kind,value\n".count)))
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while !String(decoding: answer, as: UTF8.self).contains("\"log_size\"") {
                try #require(ContinuousClock.now < deadline + .seconds(30), "no answer to the first file")
                let count = buffer.withUnsafeMutableBytes {
                    recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
                }
                if count > 0 { answer += buffer[..<count] } else { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
            let after = try await api.call(.POST, "/v1/indicators", json: second, contentType: "text/csv")
            #expect(after.status == 200)
            for value in ["FIRST-1", "FIRST-2", "SECOND-1"] {
                #expect(try await api.node.check(Identifier(kind: .sku, value: value)).isListed, "\(value)")
            }
        }
    }

    @Test("a file announced over the size limit, or over the disk's free space, is refused before any is written")
    func refusedByLength() async throws {
        try await RunningAPI.with { api in
            /// The answer's head and body to a request announcing `length` bytes and sending none.
            func answer(announcing length: Int64) async throws -> String {
                let head =
                    "POST /v1/indicators HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: \(length)\r\n\r\n"
                let bodies = try await RawConnection.exchange(port: api.port, Array(head.utf8), responses: 1)
                return bodies.first ?? ""
            }
            let tooLarge = try await answer(announcing: APILimits.maximumFileBytes + 1)
            #expect(tooLarge.contains("\"too-large\""), "\(tooLarge)")
            let folder = api.node.uploadsDirectory.deletingLastPathComponent().path
            let attributes = try FileManager.default.attributesOfFileSystem(forPath: folder)
            let free = try #require((attributes[.systemFreeSize] as? NSNumber)?.int64Value)
            // Only where the disk has less free than the limit can a file within the limit not fit.
            if free + (1 << 30) <= APILimits.maximumFileBytes {
                let full = try await answer(announcing: free + (1 << 30))
                #expect(full.contains("\"storage-full\"") && full.contains("does not fit"), "\(full)")
            }
            let left = try? FileManager.default.contentsOfDirectory(atPath: api.node.uploadsDirectory.path)
            #expect(left?.isEmpty ?? true, "\(left ?? [])")
        }
    }

    @Test("a JSON Lines body is imported with every field, as application/jsonl or application/x-ndjson")
    func jsonLines() async throws {
        try await RunningAPI.with { api in
            let lines = """
                {"kind": "seller", "value": "ShopMart:Lines 1", "confidence": 91, "reason": "counterfeit", "note": "from a pipeline", "expires": "30d"}
                {"kind": "url", "value": "https://Shop.Example/item/1"}

                """
            let first = try await api.call(.POST, "/v1/indicators", json: lines, contentType: "application/jsonl")
            #expect(first.status == 200)
            #expect(try first.decode(APIDocument.Outcome.self).appended == 2)
            let seller = try await api.node.check(Identifier(kind: .seller, value: "shopmart:lines 1"))
            #expect(seller.origins.first?.confidence == 91)
            #expect(seller.origins.first?.note == "from a pipeline")
            #expect(seller.origins.first?.expires != nil)
            let again = try await api.call(.POST, "/v1/indicators", json: lines, contentType: "application/x-ndjson")
            #expect(try again.decode(APIDocument.Outcome.self).unchanged == 2)
        }
    }

    @Test("a bad line refuses the whole body, naming the line, and appends nothing")
    func badLine() async throws {
        try await RunningAPI.with { api in
            _ = try await api.call(.POST, "/v1/indicators", json: "kind,value\nsku,KEPT-1\n", contentType: "text/csv")
            let cases: [(body: String, type: String, field: String, says: String)] = [
                ("kind,value,confidence\nsku,A-1,50\nsku,A-2,500\n", "text/csv", "body:3: confidence", "from 0 to 100"),
                ("kind,value\nsku,B-1\nplanet,B-2\n", "text/csv", "body:3", "planet"),
                ("value\nC-1\n", "text/csv", "body:1", "kind"),
                (
                    #"{"kind": "sku", "value": "D-1"}"# + "\n{not json}\n", "application/jsonl", "body:2",
                    "not valid JSON"
                ),
            ]
            for (body, type, field, says) in cases {
                let answer = try await api.call(.POST, "/v1/indicators", json: body, contentType: type)
                #expect(answer.status == 400, "\(body)")
                let problem = try answer.problem()
                #expect(problem.field == field, "\(body): \(problem.detail)")
                #expect(problem.detail.contains(says), "\(problem.detail)")
            }
            // Invalid UTF-8 (the bytes a Latin-1 spreadsheet writes).
            var latin1 = Data("kind,value\nsku,CAF".utf8)
            latin1.append(0xC9)
            latin1.append(contentsOf: Array("\n".utf8))
            let invalid = try await RunningAPI.call(
                .POST,
                url: "http://127.0.0.1:\(api.port)/v1/indicators",
                body: latin1,
                contentType: "text/csv"
            )
            #expect(invalid.status == 400)
            #expect(try invalid.problem().field == "body:2")
            // Nothing of any of them was appended.
            #expect(try await api.node.status().ownLogSize == 1)
            let left = try? FileManager.default.contentsOfDirectory(atPath: api.node.uploadsDirectory.path)
            #expect(left?.isEmpty ?? true)
        }
    }

    @Test("a header alone appends nothing; another media type is still refused as not JSON")
    func emptyAndOtherTypes() async throws {
        try await RunningAPI.with { api in
            let empty = try await api.call(.POST, "/v1/indicators", json: "kind,value\n", contentType: "text/csv")
            #expect(empty.status == 200)
            #expect(
                try empty.decode(APIDocument.Outcome.self)
                    == APIDocument.Outcome(SubmissionOutcome(appended: 0, unchanged: 0, logSize: 0))
            )
            let plain = try await api.call(
                .POST,
                "/v1/indicators",
                json: "kind,value\nsku,X\n",
                contentType: "text/plain"
            )
            #expect(plain.status == 415)
        }
    }
}
