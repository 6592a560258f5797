import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkPKI
import HallmarkRecords
import Testing

@testable import HallmarkMember
@testable import HallmarkStore

@Suite("Verdict JSON written by hand is byte for byte what JSONEncoder writes")
struct VerdictJSONTests {
    /// Text that exercises every escaping rule: quotes, backslashes, slashes, each control character, DEL,
    /// non-ASCII and characters outside the Basic Multilingual Plane.
    static let awkward: [String] = [
        "",
        "plain",
        "\"quoted\" and back\\slash",
        "https://shop.example/path?q=1&r=2",
        String((0..<0x20).map { Character(Unicode.Scalar($0)) }),
        "del\u{7F} nbsp\u{A0} line-sep\u{2028} para-sep\u{2029}",
        "Café ünïcødé ✓ 偽物 🧪👜",
        "trailing backslash \\",
    ]

    static func time(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: milliseconds) }

    static func record(_ number: Int, note: String, revokedOrigin: Bool = false) throws -> AssertionRecord {
        AssertionRecord(
            origin: try MemberID(revokedOrigin ? "brand-revoked" : "brand-\(number)"),
            listed: true,
            confidence: number % 101,
            reason: "counterfeit.confirmed",
            note: note,
            expires: number.isMultiple(of: 2) ? nil : time(1_900_000_000_000 + Int64(number)),
            firstSeen: time(1_700_000_000_123),
            lastSeen: time(-62_135_596_800_000),  // year 1: the widest date the ISO form writes
            retractedAt: nil,
            lastIndex: UInt64(number),
            receivedFrom: try MemberID("relay-\(number)"),
            receivedAt: time(1_700_000_000_000),
            disputes: try (0..<(number % 3)).map {
                DisputeRecord(
                    disputer: try MemberID("market-\($0)"),
                    reason: "not.counterfeit",
                    note: Self.awkward[($0 + number) % Self.awkward.count],
                    time: time(1_750_000_000_000 + Int64($0))
                )
            }
        )
    }

    static func verdicts() throws -> [Verdict] {
        let revocation = OriginRevocation(
            since: time(1_720_000_000_000),
            reason: try RevocationReason(name: "keyCompromise"),
            listNumber: UInt64.max
        )
        var verdicts: [Verdict] = []
        for (number, note) in Self.awkward.enumerated() {
            let origins = try (0..<(number % 4)).map { try record(number + $0, note: note, revokedOrigin: $0 == 2) }
            var verdict = Verdict(
                identifier: number.isMultiple(of: 2) ? try Identifier(kind: .seller, value: "seller-\(number)") : nil,
                kind: number.isMultiple(of: 3) ? .url : .seller,
                digest: try Hash256(bytes: Array(repeating: UInt8(number), count: 32)),
                status: [.listed, .notListed, .allowlisted][number % 3],
                origins: origins,
                filterFalsePositive: false
            )
            if origins.count > 2 { verdict.revokedOrigins = [try MemberID("brand-revoked"): revocation] }
            verdicts.append(verdict)
            // The same as an image-pdq check, with near matches (none for the first).
            var image = verdict
            image.kind = .imagePDQ
            image.imageMatches = try (0..<(number % 3)).map { match in
                ImageMatch(
                    hash: try Hash256(bytes: Array(repeating: UInt8(number + match), count: 32)),
                    distance: match * 7,
                    origins: try (0...match).map { try record(number + $0, note: note, revokedOrigin: $0 == 1) },
                    revokedOrigins: match > 0 ? [try MemberID("brand-revoked"): revocation] : [:],
                    counts: true
                )
            }
            verdicts.append(image)
        }
        return verdicts
    }

    @Test("one verdict at a time, every escaping case, revoked origins, disputes, optional fields absent and present")
    func single() throws {
        let encoder = APIDocument.makeEncoder()
        for verdict in try Self.verdicts() {
            let expected = try encoder.encode(APIDocument.VerdictBody(verdict))
            let written = APIDocument.json(of: verdict)
            #expect(
                written == [UInt8](expected),
                "\(String(decoding: written, as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))"
            )
        }
    }

    @Test("a batch, and an empty batch")
    func batch() throws {
        struct Verdicts: Encodable { var verdicts: [APIDocument.VerdictBody] }
        let encoder = APIDocument.makeEncoder()
        for verdicts in [try Self.verdicts(), []] {
            let expected = try encoder.encode(Verdicts(verdicts: verdicts.map(APIDocument.VerdictBody.init)))
            #expect(APIDocument.json(ofVerdicts: verdicts) == [UInt8](expected))
        }
    }

    @Test("what it writes decodes back to the same documents")
    func roundTrip() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for verdict in try Self.verdicts() {
            let decoded = try decoder.decode(
                APIDocument.VerdictBody.self,
                from: Data(APIDocument.json(of: verdict))
            )
            #expect(decoded == APIDocument.VerdictBody(verdict))
        }
    }
}
