import Crypto
import HallmarkCore
import Testing

@Suite struct AllianceKeyTests {
    @Test func idIsDerivedFromTheSecret() throws {
        let secret = [UInt8](0..<32)
        let key = try AllianceKey(secret: secret)
        let expected = Hash256(SHA256.hash(data: Array("hallmark/v1/key-id/".utf8) + secret)).hex.prefix(16)
        #expect(key.id == "k" + expected)
        #expect(key.id == "kffcf3cc820fd9238")
        #expect(key.secretHex == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        #expect(try AllianceKey(secret: secret).id == key.id)
    }

    @Test func secretMustBe32Bytes() throws {
        for count in [0, 16, 31, 33] {
            let error = try #require(throws: HallmarkError.self) {
                try AllianceKey(secret: [UInt8](repeating: 1, count: count))
            }
            #expect(error.code == .invalidValue)
            #expect(error.message == "an alliance key must be 32 bytes, got \(count)")
        }
    }

    @Test func generatedKeysDiffer() {
        #expect(AllianceKey.generate().id != AllianceKey.generate().id)
    }

    @Test func fileRoundTrip() throws {
        let key = AllianceKey.generate()
        let read = try AllianceKey(fileContents: key.fileContents)
        #expect(read.id == key.id)
        #expect(read.secretHex == key.secretHex)
        #expect(key.fileContents.hasPrefix("hallmark-alliance-key v1\n"))
    }

    @Test func fileErrors() throws {
        let secret = String(repeating: "ab", count: 32)
        let cases: [(String, String)] = [
            ("", "empty file, not an alliance key"),
            ("something else\n", "not an alliance key file"),
            ("hallmark-alliance-key v1\nid: k00\n", "no 'secret:' line"),
            ("hallmark-alliance-key v1\nsecret: abc\n", "secret:"),
            ("hallmark-alliance-key v1\nsecret: \(secret)\nid: k0000000000000000\n", "does not match the secret"),
            ("hallmark-alliance-key v1\nsecret: \(secret)\ncolour: red\n", "unexpected line"),
        ]
        for (text, message) in cases {
            let error = try #require(throws: HallmarkError.self) { try AllianceKey(fileContents: text) }
            #expect(error.code == .malformed)
            #expect(error.description.contains(message), "\(error)")
        }
        // Comments, blank lines and a missing id are fine.
        let key = try AllianceKey(fileContents: "# note\n\nhallmark-alliance-key v1\n  secret: \(secret)  \n")
        #expect(key.secretHex == secret)
    }
}
