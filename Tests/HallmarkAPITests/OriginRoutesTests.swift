import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkTestSupport
import NIOHTTP1
import Testing

@Suite("POST /v1/origins/{member}/clear-quarantine")
struct OriginRoutesTests {
    @Test("an operator clears a quarantine: the origin takes entries again, the clearance shows in its audit")
    func clearQuarantine() async throws {
        let fork = try await ForkedLog.make("market-c", entries: 2, tag: "fork")
        defer { fork.remove() }
        try await RunningAPI.with { api in
            try await fork.quarantine(at: api.node, offeredBy: try MemberID("brand-b"))
            #expect(try await api.node.quarantine(of: fork.origin) != nil)

            let answer = try await api.call(
                .POST,
                "/v1/origins/market-c/clear-quarantine",
                json: #"{"note": "market-c rotated its key"}"#
            )
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            let clearance = try answer.decode(APIDocument.QuarantineClearance.self)
            #expect(clearance.origin == "market-c")
            #expect(clearance.note == "market-c rotated its key")
            #expect(clearance.reason.contains("reported by brand-b"))
            #expect(try await api.node.quarantine(of: fork.origin) == nil)
            // The origin's log is taken again.
            try await fork.show(to: api.node)
            #expect(try await api.node.logHead(of: fork.origin)?.treeSize == 2)

            let audit = try await api.call(.GET, "/v1/origins/market-c").decode(OriginAudit.self)
            #expect(audit.quarantine == nil)
            #expect(audit.clearedQuarantines?.map(\.note) == ["market-c rotated its key"])
            #expect(audit.equivocations.count == 1, "the evidence stays")

            let again = try await api.call(.POST, "/v1/origins/market-c/clear-quarantine", json: "{}")
            #expect(again.status == 422)
            #expect(try again.problem().code == "not-found")
            #expect(try again.problem().detail == "market-c is not quarantined here")
            let unknownField = try await api.badRequest("/v1/origins/market-c/clear-quarantine", #"{"reason": "x"}"#)
            #expect(unknownField.field == "reason")
            let badNote = try await api.badRequest(
                "/v1/origins/market-c/clear-quarantine",
                #"{"note": "bell\u0007"}"#
            )
            #expect(badNote.field == "note")
            let badOrigin = try await api.badRequest("/v1/origins/Not%20An%20Id/clear-quarantine", "{}")
            #expect(badOrigin.field == "member")
        }
    }
}
