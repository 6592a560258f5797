import Foundation
import HallmarkAPI
import HallmarkDocuments
import NIOHTTP1
import Testing

/// Values from outside that used to trap (docs/CONVERSIONS.md) are refused with an error naming what is wrong.
@Suite("Hostile input to the API")
struct APIHostileInputTests {
    @Test("a Content-Type with no media type (empty, or only ';') is 415, not a crash of the node")
    func contentTypeWithoutMediaType() async throws {
        try await RunningAPI.with { api in
            // The media type was the first of the header's ';'-separated parts, and there was none.
            for contentType in ["", ";", " ; ;"] {
                let answer = try await api.call(
                    .POST,
                    "/v1/check",
                    json: #"{"identifiers": []}"#,
                    contentType: contentType
                )
                #expect(answer.status == 415, "Content-Type '\(contentType)'")
                #expect(try answer.problem().code == "unsupported-media-type")
            }
            // The node still answers, and a JSON media type with parameters is still accepted.
            let fine = try await api.call(
                .POST,
                "/v1/check",
                json: #"{"identifiers": []}"#,
                contentType: "application/json; charset=utf-8"
            )
            #expect(fine.status == 200)
        }
    }
}
