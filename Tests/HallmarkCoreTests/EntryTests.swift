import Foundation
import HallmarkCore
import Testing

@Suite struct EntryTests {
    typealias Support = LogTestSupport

    static let acme = try! MemberID("acme-brand")
    static let globex = try! MemberID("globex-market")
    static let time = Timestamp(millisecondsSince1970: 1_795_927_230_123)

    /// A valid assertion, with fields replaced as a test needs.
    static func entry(
        index: UInt64 = 0,
        time: Timestamp = time,
        action: EntryAction = .assert,
        kind: IndicatorKind = .seller,
        keyID: String = "k3f9a0c27b1d4e856",
        confidence: UInt8 = 90,
        reason: String = "counterfeit.confirmed",
        expires: Timestamp? = nil,
        note: String = "",
        disputedOrigin: MemberID? = nil
    ) throws -> Entry {
        try Entry(
            origin: acme,
            index: index,
            time: time,
            action: action,
            kind: kind,
            digest: Support.hash(String(repeating: "ab", count: 32)),
            keyID: keyID,
            confidence: confidence,
            reason: reason,
            expires: expires,
            note: note,
            disputedOrigin: disputedOrigin
        )
    }

    static func entry(from vector: Support.EntryVectors.Valid) throws -> Entry {
        try Entry(
            origin: MemberID(vector.origin),
            index: vector.index,
            time: Timestamp(iso8601: vector.time),
            action: EntryAction(name: vector.action),
            kind: IndicatorKind(wireName: vector.kind),
            digest: Hash256(hex: vector.digest),
            keyID: vector.keyID,
            confidence: vector.confidence,
            reason: vector.reason,
            expires: try vector.expires.map { try Timestamp(iso8601: $0) },
            note: vector.note,
            disputedOrigin: try vector.disputedOrigin.map { try MemberID($0) }
        )
    }

    @Test func encodesTheVectorsExactly() throws {
        let vectors = try Support.vectors("entries.json", as: Support.EntryVectors.self)
        #expect(vectors.valid.count >= 7)
        for vector in vectors.valid {
            let entry = try Self.entry(from: vector)
            #expect(entry.time.millisecondsSince1970 == vector.timeMs)
            #expect(entry.expires?.millisecondsSince1970 == vector.expiresMs)
            #expect(Support.hex(entry.encoded()) == vector.encodedHex, "entry \(vector.index)")
            #expect(entry.leafHash.hex == vector.leafHash, "entry \(vector.index)")
            #expect(MerkleHash.leaf(Support.bytes(hex: vector.encodedHex)).hex == vector.leafHash)
        }
    }

    @Test func decodesTheVectorsToTheSameEntriesAndBytes() throws {
        let vectors = try Support.vectors("entries.json", as: Support.EntryVectors.self)
        #expect(vectors.valid.count >= 7)
        for vector in vectors.valid {
            let bytes = Support.bytes(hex: vector.encodedHex)
            let decoded = try Entry(decoding: bytes)
            #expect(decoded == (try Self.entry(from: vector)))
            #expect(decoded.encoded() == bytes)
            // Non-contiguous input takes the copying path and must give the same answer.
            #expect(try Entry(decoding: bytes.lazy.map { $0 }) == decoded)
            #expect(try Entry(decoding: Data(bytes)) == decoded)
        }
    }

    @Test func keepsKindsThisNodeDoesNotKnow() throws {
        let vectors = try Support.vectors("entries.json", as: Support.EntryVectors.self)
        let unknown = try #require(vectors.valid.first { !(try! IndicatorKind(wireName: $0.kind)).isKnown })
        let entry = try Entry(decoding: Support.bytes(hex: unknown.encodedHex))
        #expect(entry.kind.name == unknown.kind)
        #expect(!entry.kind.isKnown)
        #expect(Support.hex(entry.encoded()) == unknown.encodedHex)
    }

    @Test func refusesEveryInvalidVectorNamingTheField() throws {
        let vectors = try Support.vectors("entries.json", as: Support.EntryVectors.self)
        #expect(vectors.invalid.count >= 29)
        for vector in vectors.invalid {
            let error = Support.expectError(.malformed, Comment(rawValue: vector.description)) {
                try Entry(decoding: Support.bytes(hex: vector.encodedHex))
            }
            #expect(error?.location == vector.field, Comment(rawValue: vector.description))
        }
    }

    @Test func refusesEveryTruncationAndAnyTrailingByte() throws {
        let vectors = try Support.vectors("entries.json", as: Support.EntryVectors.self)
        #expect(vectors.valid.count >= 7)
        for vector in vectors.valid {
            let bytes = Support.bytes(hex: vector.encodedHex)
            for length in 0..<bytes.count {
                Support.expectError(.malformed, "\(vector.index) cut to \(length)") {
                    try Entry(decoding: bytes[..<length])
                }
            }
            for extra: UInt8 in [0, 1, 0xff] {
                Support.expectError(.malformed, location: .some(nil)) { try Entry(decoding: bytes + [extra]) }
            }
        }
    }

    @Test func refusesOversizedInputBeforeParsing() {
        let error = Support.expectError(.malformed) {
            try Entry(decoding: [UInt8](repeating: 1, count: Entry.maxEncodedSize + 1))
        }
        #expect(error?.message.contains("at most \(Entry.maxEncodedSize)") == true)
    }

    @Test func refusesIndexesBeyondTheLargestLog() throws {
        Support.expectError(.invalidValue, location: "index") { try Self.entry(index: Checkpoint.maximumTreeSize) }
        Support.expectError(.invalidValue, location: "index") { try Self.entry(index: .max) }
        // The same bytes with the index changed: decoding refuses them.
        var bytes = try Self.entry(index: 0).encoded()
        let indexOffset = 1 + 1 + Self.acme.rawValue.utf8.count
        bytes.replaceSubrange(indexOffset..<indexOffset + 8, with: [UInt8](repeating: 0xFF, count: 8))
        Support.expectError(.malformed, location: "index") { try Entry(decoding: bytes) }
    }

    @Test func largestEntryFitsTheStatedBound() throws {
        let longest = try Entry(
            origin: MemberID(String(repeating: "a", count: 63)),
            index: Checkpoint.maximumTreeSize - 1,
            time: Timestamp(millisecondsSince1970: 0),
            action: .dispute,
            kind: IndicatorKind(wireName: String(repeating: "k", count: 32)),
            digest: .zero,
            keyID: String(repeating: "k", count: 64),
            confidence: 100,
            reason: String(repeating: "r", count: 64),
            expires: Timestamp(millisecondsSince1970: Timestamp.protocolRange.upperBound),
            note: String(repeating: "é", count: 140),
            disputedOrigin: MemberID(String(repeating: "b", count: 63))
        )
        #expect(longest.encoded().count == 634)
        #expect(try Entry(decoding: longest.encoded()) == longest)
    }

    @Test func roundTripsRandomEntries() throws {
        var generator = Support.SeededGenerator(seed: 42)
        let notes = [
            "", "plain", "Fälschung – 偽物 ✓", "emoji 👜🔍", "e\u{301}", "\u{A0}nbsp", String(repeating: "z", count: 280),
        ]
        let reasons = ["counterfeit", "a", "x.y_z-1", String(repeating: "q", count: 64)]
        for i in 0..<500 {
            let action = EntryAction.allCases.randomElement(using: &generator)!
            let kind =
                ([.seller, .sku, .url, .imagePDQ, try IndicatorKind(wireName: "future-kind")] as [IndicatorKind])
                .randomElement(using: &generator)!
            let time = Timestamp(millisecondsSince1970: .random(in: Timestamp.protocolRange, using: &generator))
            let entry = try Entry(
                origin: Self.acme,
                index: generator.next() % Checkpoint.maximumTreeSize,
                time: time,
                action: action,
                kind: kind,
                digest: Support.randomHash(using: &generator),
                keyID: kind == .imagePDQ ? "" : "k\(i)",
                confidence: .random(in: 0...100, using: &generator),
                reason: action == .retract && Bool.random(using: &generator)
                    ? "" : reasons.randomElement(using: &generator)!,
                expires: time.millisecondsSince1970 < Timestamp.protocolRange.upperBound
                    && Bool.random(using: &generator)
                    ? Timestamp(millisecondsSince1970: time.millisecondsSince1970 + 1) : nil,
                note: notes.randomElement(using: &generator)!,
                disputedOrigin: action == .dispute ? Self.globex : nil
            )
            let bytes = entry.encoded()
            let decoded = try Entry(decoding: bytes)
            #expect(decoded == entry)
            #expect(decoded.encoded() == bytes)
            #expect(decoded.leafHash == entry.leafHash)
        }
    }

    @Test func notesAreComparedAndHashedByteForByte() throws {
        // "é" precomposed and decomposed are equal Swift strings, but different bytes and so different leaves.
        let composed = try Self.entry(note: "caf\u{E9}")
        let decomposed = try Self.entry(note: "cafe\u{301}")
        #expect(composed.note == decomposed.note)
        #expect(composed != decomposed)
        #expect(composed.leafHash != decomposed.leafHash)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(Array(try Entry(decoding: decomposed.encoded()).note.utf8) == Array("cafe\u{301}".utf8))
    }

    @Test func acceptsTheEdgesOfEachRule() throws {
        _ = try Self.entry(confidence: 0)
        _ = try Self.entry(confidence: 100)
        _ = try Self.entry(action: .retract, reason: "")
        _ = try Self.entry(kind: .imagePDQ, keyID: "")
        _ = try Self.entry(kind: IndicatorKind(wireName: "new-kind"), keyID: "")
        _ = try Self.entry(kind: IndicatorKind(wireName: "new-kind"), keyID: "k1")
        _ = try Self.entry(reason: String(repeating: "a", count: 64))
        _ = try Self.entry(note: String(repeating: "n", count: 280))
        _ = try Self.entry(note: String(repeating: "€", count: 93))  // 279 bytes
        _ = try Self.entry(note: "tab-free\u{A0}text with U+00A0 and U+2028\u{2028}")
        _ = try Self.entry(expires: Timestamp(millisecondsSince1970: Self.time.millisecondsSince1970 + 1))
        _ = try Self.entry(time: Timestamp(millisecondsSince1970: 0))
        _ = try Self.entry(action: .dispute, disputedOrigin: Self.globex)
    }

    static let brokenRules: [(String, @Sendable () throws -> Entry)] = [
        ("confidence", { try EntryTests.entry(confidence: 101) }),
        ("reason", { try EntryTests.entry(reason: "") }),
        ("reason", { try EntryTests.entry(action: .dispute, reason: "", disputedOrigin: EntryTests.globex) }),
        ("reason", { try EntryTests.entry(reason: "Counterfeit") }),
        ("reason", { try EntryTests.entry(reason: "counter feit") }),
        ("reason", { try EntryTests.entry(reason: String(repeating: "a", count: 65)) }),
        ("keyID", { try EntryTests.entry(keyID: "") }),
        ("keyID", { try EntryTests.entry(kind: .imagePDQ, keyID: "k1") }),
        ("keyID", { try EntryTests.entry(keyID: "K1") }),
        ("keyID", { try EntryTests.entry(keyID: String(repeating: "k", count: 65)) }),
        ("note", { try EntryTests.entry(note: String(repeating: "n", count: 281)) }),
        ("note", { try EntryTests.entry(note: String(repeating: "€", count: 94)) }),
        ("note", { try EntryTests.entry(note: "two\nlines") }),
        ("note", { try EntryTests.entry(note: "nul\u{0}") }),
        ("note", { try EntryTests.entry(note: "del\u{7F}") }),
        ("note", { try EntryTests.entry(note: "c1\u{85}") }),
        ("note", { try EntryTests.entry(note: "c1\u{9F}") }),
        ("time", { try EntryTests.entry(time: Timestamp(millisecondsSince1970: -1)) }),
        ("time", { try EntryTests.entry(time: Timestamp(millisecondsSince1970: 253_402_300_800_000)) }),
        ("expires", { try EntryTests.entry(expires: EntryTests.time) }),
        ("expires", { try EntryTests.entry(expires: Timestamp(millisecondsSince1970: 1)) }),
        ("expires", { try EntryTests.entry(expires: Timestamp(millisecondsSince1970: .max)) }),
        ("disputedOrigin", { try EntryTests.entry(action: .dispute) }),
        ("disputedOrigin", { try EntryTests.entry(action: .dispute, disputedOrigin: EntryTests.acme) }),
        ("disputedOrigin", { try EntryTests.entry(disputedOrigin: EntryTests.globex) }),
        ("disputedOrigin", { try EntryTests.entry(action: .retract, disputedOrigin: EntryTests.globex) }),
    ]

    @Test(arguments: brokenRules)
    func refusesEachBrokenRuleNamingTheField(field: String, make: @Sendable () throws -> Entry) {
        Support.expectError(.invalidValue, location: field) { try make() }
    }

    @Test func actionsHaveStableWireValuesAndNames() throws {
        #expect(EntryAction.allCases.map(\.wireValue) == [1, 2, 3])
        #expect(EntryAction.allCases.map(\.name) == ["assert", "retract", "dispute"])
        for action in EntryAction.allCases {
            #expect(try EntryAction(wireValue: action.wireValue) == action)
            #expect(try EntryAction(name: action.name) == action)
        }
        Support.expectError(.malformed, location: "action") { try EntryAction(wireValue: 0) }
        Support.expectError(.malformed, location: "action") { try EntryAction(wireValue: 4) }
        Support.expectError(.invalidValue) { try EntryAction(name: "Assert") }
        let json = try JSONEncoder().encode([EntryAction.dispute])
        #expect(String(decoding: json, as: UTF8.self) == #"["dispute"]"#)
        #expect(try JSONDecoder().decode([EntryAction].self, from: json) == [.dispute])
    }
}
