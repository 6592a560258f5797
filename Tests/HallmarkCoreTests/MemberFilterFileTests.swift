import Crypto
import HallmarkCore
import Testing

/// The member filter file (Protocol/member-filter.md): what is written reads back, signed, and anything changed is
/// refused with the reason.
@Suite struct MemberFilterFileTests {
    static let key = P256.Signing.PrivateKey()
    static let member = try! MemberID("brand-a")

    static func digests(_ range: Range<Int>) -> [Hash256] {
        range.map { Hash256(SHA256.hash(data: Array("digest \($0)".utf8))) }
    }

    static func full(_ digests: [Hash256], seed: UInt64 = 42) -> MemberFilterFile {
        let blocks = MemberFilterFile.blockCount(forDigestCount: digests.count)
        let words = MemberFilterFile.words(of: digests, seed: seed, blockCount: blocks)
        return MemberFilterFile(
            kinds: [.seller, .url],
            seed: seed,
            blockCount: blocks,
            digestCount: digests.count,
            created: Timestamp(millisecondsSince1970: 1_765_000_000_000),
            base: nil,
            wordsHash: MemberFilterFile.hash(words: words),
            member: member,
            keyID: "k0123456789abcdef",
            body: .full(words: words)
        )
    }

    @Test func aFullFileReadsBackAndHoldsItsDigests() throws {
        let file = Self.full(Self.digests(0..<5_000))
        let bytes = try file.encoded(signedWith: Self.key)
        let read = try MemberFilterFile.decode(bytes, verifyingWith: Self.key.publicKey)
        #expect(read == file)
        #expect(read.blockCount == 1_024)
        // The words are the filter's: every digest is in it, and about 0.1 % of others.
        guard case .full(let words) = read.body else { Issue.record("not full"); return }
        var filter = SplitBlockBloomFilter(blockCount: read.blockCount, seed: read.seed)
        for digest in Self.digests(0..<5_000) { filter.insert(digest) }
        #expect(MemberFilterFile.words(of: Self.digests(0..<5_000), seed: 42, blockCount: 1_024) == words)
        #expect(Self.digests(0..<5_000).allSatisfy(filter.mayContain))
    }

    @Test func aDeltaTurnsTheOldWordsIntoTheNew() throws {
        let old = Self.full(Self.digests(0..<3_000))
        guard case .full(let oldWords) = old.body else { return }
        let newWords = MemberFilterFile.words(of: Self.digests(100..<3_100), seed: 42, blockCount: old.blockCount)
        let changes = (0..<old.blockCount).compactMap { block -> MemberFilterFile.BlockChange? in
            let range = (block * 8)..<(block * 8 + 8)
            return newWords[range] == oldWords[range]
                ? nil : MemberFilterFile.BlockChange(block: UInt32(block), words: Array(newWords[range]))
        }
        var delta = old
        delta.base = MemberFilterFile.hash(words: oldWords)
        delta.wordsHash = MemberFilterFile.hash(words: newWords)
        delta.body = .delta(changes: changes)
        let read = try MemberFilterFile.decode(
            try delta.encoded(signedWith: Self.key),
            verifyingWith: Self.key.publicKey
        )
        #expect(try read.applied(to: oldWords) == newWords)
        #expect(throws: HallmarkError.self) { try read.applied(to: newWords) }
    }

    @Test func anythingChangedIsRefused() throws {
        let bytes = try Self.full(Self.digests(0..<100)).encoded(signedWith: Self.key)
        func refusal(_ bytes: [UInt8], key: P256.Signing.PublicKey = Self.key.publicKey) -> HallmarkError? {
            do {
                _ = try MemberFilterFile.decode(bytes, verifyingWith: key)
                return nil
            } catch let error as HallmarkError {
                return error
            } catch {
                return HallmarkError(.malformed, "\(error)")
            }
        }
        // A flipped bit in the words, in the seed, in the member id: the signature no longer verifies.
        for offset in [16, 113, bytes.count / 2] {
            var flipped = bytes
            flipped[offset] ^= 0x01
            #expect(refusal(flipped)?.code == .badSignature, "byte \(offset)")
        }
        #expect(refusal(bytes, key: P256.Signing.PrivateKey().publicKey)?.code == .badSignature)
        // Structure first: a wrong magic, a truncated file, bytes after the signature.
        var magic = bytes
        magic[0] = 0
        #expect(refusal(magic)?.message.contains("bad magic") == true)
        #expect(refusal(Array(bytes.prefix(200)))?.code == .malformed)
        #expect(refusal(bytes + [0])?.message.contains("signature's length") == true)
        #expect(refusal([])?.code == .malformed)
        // A full file whose base is not zeros, a signature of no bytes: malformed, whatever the signature says.
        var base = bytes
        base[48] = 1
        #expect(refusal(base)?.message.contains("base must be zeros") == true)
        // The signed part: the 112-byte fixed header, "brand-a" and the key id with their lengths, 1 024 blocks.
        let signed = 112 + 1 + 7 + 1 + 17 + 1_024 * 32
        #expect(refusal(Array(bytes.prefix(signed)) + [0, 0])?.message.contains("signature's length") == true)
    }
}
