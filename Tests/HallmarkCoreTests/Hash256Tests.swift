import HallmarkCore
import Testing

@Suite("Hash256: bytes, words and hex")
struct Hash256Tests {
    @Test("read from memory, from a collection and from hex, the same bytes make the same hash; 31 or 33 bytes do not")
    func sameHash() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let fromCollection = try Hash256(bytes: bytes[...])
            let fromMemory = try bytes.withUnsafeBytes { try Hash256(bytes: $0) }
            #expect(fromMemory == fromCollection)
            #expect(fromMemory.bytes == bytes)
            #expect(try Hash256(hex: fromMemory.hex) == fromMemory)
            #expect(fromMemory.hex == bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
        }
        for count in [31, 33] {
            let bytes = [UInt8](repeating: 7, count: count)
            #expect(throws: HallmarkError.self) { try bytes.withUnsafeBytes { try Hash256(bytes: $0) } }
        }
    }
}
