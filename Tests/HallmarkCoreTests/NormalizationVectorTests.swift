import Foundation
import HallmarkCore
import Testing

/// Checks every case of `Protocol/test-vectors/normalization.json`, the file other implementations test against.
@Suite struct NormalizationVectorTests {
    struct Vectors: Decodable {
        struct Key: Decodable {
            let secret_hex: String
            let id: String
        }
        struct Case: Decodable {
            let kind: String
            let input: String?
            let input_hex: String?
            let normalized: String
            let digest: String
        }
        struct Invalid: Decodable {
            let kind: String
            let input: String?
            let input_hex: String?
            let error_contains: String
        }
        let format: String
        let key: Key
        let cases: [Case]
        let invalid: [Invalid]
    }

    static func load() throws -> Vectors {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            let parent = folder.deletingLastPathComponent()
            try #require(parent.path != folder.path, "no Package.swift above \(#filePath)")
            folder = parent
        }
        let file = folder.appendingPathComponent("Protocol/test-vectors/normalization.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: file))
    }

    static func bytes(input: String?, hex: String?) throws -> [UInt8] {
        if let input { return Array(input.utf8) }
        let digits = Array(try #require(hex).utf8)
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            try #require(UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16))
        }
    }

    @Test func fileHasTheExpectedShape() throws {
        let vectors = try Self.load()
        #expect(vectors.format == "hallmark-normalization-vectors v1")
        for kind in IndicatorKind.known {
            #expect(vectors.cases.filter { $0.kind == kind.name }.count >= 4, "few cases of \(kind)")
            #expect(vectors.invalid.contains { $0.kind == kind.name }, "no invalid case of \(kind)")
        }
    }

    @Test func keyIdMatchesTheSecret() throws {
        let vectors = try Self.load()
        let key = try AllianceKey(secret: Hash256(hex: vectors.key.secret_hex).bytes)
        #expect(key.id == vectors.key.id)
    }

    @Test func everyCaseNormalizesAndDigestsAsRecorded() throws {
        let vectors = try Self.load()
        let digester = IndicatorDigester(key: try AllianceKey(secret: Hash256(hex: vectors.key.secret_hex).bytes))
        #expect(vectors.cases.count >= 147)
        for vector in vectors.cases {
            let kind = try IndicatorKind(parsing: vector.kind)
            let bytes = try Self.bytes(input: vector.input, hex: vector.input_hex)
            let identifier = try Identifier(kind: kind, utf8: bytes)
            #expect(
                identifier.normalized == vector.normalized,
                "\(vector.kind) \(vector.input ?? vector.input_hex ?? "")"
            )
            #expect(digester.digest(of: identifier).hex == vector.digest, "\(vector.kind) \(vector.normalized)")
            if let input = vector.input {
                #expect(try Identifier(kind: kind, value: input) == identifier)
            }
        }
    }

    @Test func everyInvalidCaseIsRejectedWithItsMessage() throws {
        let vectors = try Self.load()
        #expect(vectors.invalid.count >= 67)
        for vector in vectors.invalid {
            let kind = try IndicatorKind(wireName: vector.kind)
            let bytes = try Self.bytes(input: vector.input, hex: vector.input_hex)
            let error = try #require(throws: HallmarkError.self) { try Identifier(kind: kind, utf8: bytes) }
            #expect(error.code == (kind.isKnown ? .invalidValue : .unknownKind))
            #expect(error.message.contains(vector.error_contains), "\(error.message) lacks '\(vector.error_contains)'")
            #expect(!error.message.contains("\n"))
        }
    }
}
