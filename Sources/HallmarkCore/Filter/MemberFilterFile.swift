import Crypto

/// A member filter file (`Protocol/member-filter.md`): the Bloom filter of a node's listed digests, or a delta of
/// one, signed by the member, for the member's own systems to test identifiers without a node.
public struct MemberFilterFile: Sendable, Equatable {
    /// What the body holds.
    public enum Body: Sendable, Equatable {
        /// Every word of the filter.
        case full(words: [UInt32])
        /// The blocks that changed, each its index and its eight new words, indexes strictly increasing.
        case delta(changes: [BlockChange])
    }

    /// One block of a delta.
    public struct BlockChange: Sendable, Equatable {
        /// The block's index.
        public var block: UInt32
        /// Its eight new words.
        public var words: [UInt32]

        /// Creates a change.
        public init(block: UInt32, words: [UInt32]) {
            self.block = block
            self.words = words
        }
    }

    /// The kinds a file may cover, in the order of their bits in the `kinds` byte.
    public static let kindBits: [IndicatorKind] = [.seller, .sku, .url, .imagePDQ]

    /// The kinds whose digests the filter holds.
    public var kinds: [IndicatorKind]
    /// The hash seed.
    public var seed: UInt64
    /// The number of 32-byte blocks.
    public var blockCount: Int
    /// The digests in the filter the file describes.
    public var digestCount: Int
    /// When the file was made.
    public var created: Timestamp
    /// For a delta, the SHA-256 of the words it applies to.
    public var base: Hash256?
    /// The SHA-256 of the words of the filter the file describes.
    public var wordsHash: Hash256
    /// The member that signs the file.
    public var member: MemberID
    /// The alliance key id the digests were made with.
    public var keyID: String
    /// The words, or the changed blocks.
    public var body: Body

    static let magic: [UInt8] = Array("HMFILT\r\n".utf8)
    static let version: UInt16 = 1
    static let fixedHeaderSize = 112
    /// An ECDSA P-256 signature in DER is at most 72 bytes.
    static let maximumSignatureSize = 72
    /// The bytes an alliance key id is made of.
    static let keyIDBytes = Set(Array("abcdefghijklmnopqrstuvwxyz0123456789._-".utf8))

    /// Creates a file's contents.
    public init(
        kinds: [IndicatorKind],
        seed: UInt64,
        blockCount: Int,
        digestCount: Int,
        created: Timestamp,
        base: Hash256?,
        wordsHash: Hash256,
        member: MemberID,
        keyID: String,
        body: Body
    ) {
        self.kinds = kinds
        self.seed = seed
        self.blockCount = blockCount
        self.digestCount = digestCount
        self.created = created
        self.base = base
        self.wordsHash = wordsHash
        self.member = member
        self.keyID = keyID
        self.body = body
    }

    /// The SHA-256 of `words` as the file lays them out (little-endian).
    public static func hash(words: [UInt32]) -> Hash256 {
        var hasher = SHA256()
        words.withUnsafeBufferPointer { buffer in
            #if _endian(little)
                hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            #else
                hasher.update(data: buffer.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
            #endif
        }
        return Hash256(hasher.finalize())
    }

    /// The file's bytes, signed with `key` (the member certificate's key).
    /// - Throws: ``HallmarkError`` `invalid-value` when the contents could not be read back: the words or a change not
    ///   the size the block count says, a key id longer than 64 bytes.
    public func encoded(signedWith key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let sizesAgree =
            switch body {
            case .full(let words): words.count == blockCount * 8
            case .delta(let changes): changes.allSatisfy { $0.words.count == 8 }
            }
        guard sizesAgree, (1...64).contains(keyID.utf8.count) else {
            throw HallmarkError(.invalidValue, "a member filter file's words, changes or key id do not fit its layout")
        }
        var out = Self.magic
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { out += $0 }
        }
        append(Self.version)
        out.append(
            {
                switch body {
                case .full: 0
                case .delta: 1
                }
            }()
        )
        var bits: UInt8 = 0
        for (bit, kind) in Self.kindBits.enumerated() where kinds.contains(kind) {
            bits |= 1 << UInt8(truncatingIfNeeded: bit)
        }
        out.append(bits)
        append(UInt32.zero)
        append(seed)
        append(UInt64(truncatingIfNeeded: blockCount))
        append(UInt64(truncatingIfNeeded: digestCount))
        append(UInt64(bitPattern: created.millisecondsSince1970))
        out += (base ?? .zero).bytes
        out += wordsHash.bytes
        for text in [member.rawValue, keyID] {
            let bytes = Array(text.utf8)
            out.append(UInt8(truncatingIfNeeded: bytes.count))
            out += bytes
        }
        switch body {
        case .full(let words):
            for word in words { append(word) }
        case .delta(let changes):
            append(UInt64(truncatingIfNeeded: changes.count))
            for change in changes {
                append(change.block)
                for word in change.words { append(word) }
            }
        }
        let signature = try key.signature(for: out).derRepresentation
        append(UInt16(truncatingIfNeeded: signature.count))
        out += signature
        return out
    }

    /// Reads a file, checking every field, its signature with `publicKey` and its words hash (for a full file).
    /// - Throws: ``HallmarkError`` `malformed` naming what is wrong, or `bad-signature`.
    public static func decode(_ bytes: [UInt8], verifyingWith publicKey: P256.Signing.PublicKey) throws
        -> MemberFilterFile
    {
        var reader = FilterFileReader(bytes: bytes)
        guard try reader.bytes(8) == magic[...] else { throw reader.malformed("bad magic: not a member filter file") }
        let version: UInt16 = try reader.integer()
        guard version == Self.version else { throw reader.malformed("unknown format version \(version)") }
        let type = try reader.bytes(1).first ?? 0
        guard type <= 1 else { throw reader.malformed("unknown type \(type)") }
        let bits = try reader.bytes(1).first ?? 0
        guard bits != 0, bits < 1 << kindBits.count else { throw reader.malformed("kinds byte \(bits) is not valid") }
        let reserved: UInt32 = try reader.integer()
        guard reserved == 0 else { throw reader.malformed("reserved field is \(reserved), must be 0") }
        let seed: UInt64 = try reader.integer()
        let blockCount: UInt64 = try reader.integer()
        guard blockCount >= 1, blockCount <= UInt64(truncatingIfNeeded: UInt32.max) else {
            throw reader.malformed("block count \(blockCount) is out of range")
        }
        let digestCount: UInt64 = try reader.integer()
        guard let digests = Int(exactly: digestCount) else { throw reader.malformed("digest count is out of range") }
        let created: UInt64 = try reader.integer()
        let base = try Hash256(bytes: reader.bytes(32))
        guard type == 1 || base == .zero else { throw reader.malformed("a full file's base must be zeros") }
        let wordsHash = try Hash256(bytes: reader.bytes(32))
        func text(_ field: String, maximum: Int) throws -> String {
            let count = Int(truncatingIfNeeded: try reader.bytes(1).first ?? 0)
            guard (1...maximum).contains(count) else {
                throw reader.malformed("\(field) length \(count) is out of range")
            }
            guard let value = String(validating: try reader.bytes(count), as: UTF8.self) else {
                throw reader.malformed("\(field) is not text")
            }
            return value
        }
        let member: MemberID
        do { member = try MemberID(text("member", maximum: 63)) } catch let error as HallmarkError {
            throw error.code == .malformed ? error : reader.malformed("member: \(error.message)")
        }
        let keyID = try text("alliance key id", maximum: 64)
        guard keyID.utf8.allSatisfy({ Self.keyIDBytes.contains($0) }) else {
            throw reader.malformed("the alliance key id is not made of [a-z0-9._-]")
        }
        let body: Body
        let blocks = Int(truncatingIfNeeded: blockCount)
        if type == 0 {
            guard reader.remaining >= blocks * 32 else { throw reader.malformed("truncated: fewer words than blocks") }
            body = .full(words: try (0..<(blocks * 8)).map { _ in try reader.integer() })
        } else {
            let count: UInt64 = try reader.integer()
            guard count <= blockCount, reader.remaining >= Int(truncatingIfNeeded: count) * 36 else {
                throw reader.malformed("change count \(count) does not fit the file")
            }
            var changes: [BlockChange] = []
            for _ in 0..<Int(truncatingIfNeeded: count) {
                let block: UInt32 = try reader.integer()
                let inOrder = changes.last.map { block > $0.block } ?? true
                guard UInt64(truncatingIfNeeded: block) < blockCount, inOrder else {
                    throw reader.malformed("block index \(block) is out of order or out of range")
                }
                changes.append(BlockChange(block: block, words: try (0..<8).map { _ in try reader.integer() }))
            }
            body = .delta(changes: changes)
        }
        let signed = reader.offset
        let signatureSize: UInt16 = try reader.integer()
        guard (1...maximumSignatureSize).contains(Int(truncatingIfNeeded: signatureSize)),
            reader.remaining == Int(truncatingIfNeeded: signatureSize)
        else {
            throw reader.malformed("the signature's length does not match the bytes left")
        }
        let signature: P256.Signing.ECDSASignature
        do {
            signature = try P256.Signing.ECDSASignature(
                derRepresentation: reader.bytes(Int(truncatingIfNeeded: signatureSize))
            )
        } catch let error as HallmarkError {
            throw error
        } catch {
            throw HallmarkError(.badSignature, "the member filter file's signature is not a DER ECDSA signature")
        }
        guard publicKey.isValidSignature(signature, for: bytes[..<signed]) else {
            throw HallmarkError(.badSignature, "the member filter file's signature does not verify")
        }
        let file = MemberFilterFile(
            kinds: kindBits.enumerated().filter { bits & 1 << UInt8(truncatingIfNeeded: $0.offset) != 0 }.map(
                \.element
            ),
            seed: seed,
            blockCount: blocks,
            digestCount: digests,
            created: Timestamp(millisecondsSince1970: Int64(bitPattern: created)),
            base: type == 0 ? nil : base,
            wordsHash: wordsHash,
            member: member,
            keyID: keyID,
            body: body
        )
        if case .full(let words) = body, hash(words: words) != wordsHash {
            throw HallmarkError(.malformed, "the words do not match their hash", location: "member filter file")
        }
        return file
    }

    /// The fewest blocks a file holds, so that a small blacklist's file still answers at the target rate as it grows a
    /// little.
    public static let minimumBlockCount = 1_024
    /// The false-positive rate files are sized for.
    public static let targetFalsePositiveRate = 0.001
    /// Past this rate a delta is refused: the digests have outgrown the full file's size.
    public static let deltaFalsePositiveLimit = 0.002

    /// The blocks a full file of `digestCount` digests takes.
    public static func blockCount(forDigestCount digestCount: Int) -> Int {
        max(
            minimumBlockCount,
            SplitBlockBloomFilter.blockCount(forExpectedCount: digestCount, falsePositiveRate: targetFalsePositiveRate)
        )
    }

    /// The words of a filter of `digests` under `seed`, in `blockCount` blocks.
    public static func words(of digests: [Hash256], seed: UInt64, blockCount: Int) -> [UInt32] {
        var filter = SplitBlockBloomFilter(blockCount: blockCount, seed: seed)
        for digest in digests { filter.insert(digest) }
        return Array(filter.storage.buffer)
    }

    /// The false-positive rate of `blockCount` blocks holding `digestCount` digests.
    public static func falsePositiveRate(blockCount: Int, digestCount: Int) -> Double {
        SplitBlockBloomFilter(blockCount: blockCount, seed: 0).expectedFalsePositiveRate(forCount: digestCount)
    }

    /// `words` with this delta's blocks replaced, checked against ``base`` before and ``wordsHash`` after.
    /// - Throws: ``HallmarkError`` `malformed` when this is not a delta of those words.
    public func applied(to words: [UInt32]) throws -> [UInt32] {
        guard case .delta(let changes) = body else {
            throw HallmarkError(.malformed, "a full file is not a delta", location: "member filter file")
        }
        guard words.count == blockCount * 8, Self.hash(words: words) == base else {
            throw HallmarkError(
                .malformed,
                "the delta applies to other words than these (base \(base?.hex ?? "none"))",
                location: "member filter file"
            )
        }
        var result = words
        for change in changes where Int(truncatingIfNeeded: change.block) >= blockCount {
            throw HallmarkError(
                .malformed,
                "block \(change.block) is past the filter's end",
                location: "member filter file"
            )
        }
        for change in changes {
            let start = Int(truncatingIfNeeded: change.block) * 8
            result.replaceSubrange(start..<(start + 8), with: change.words)
        }
        guard Self.hash(words: result) == wordsHash else {
            throw HallmarkError(
                .malformed,
                "the words after the delta do not match their hash",
                location: "member filter file"
            )
        }
        return result
    }
}

/// Reads the fields of a member filter file in order, refusing to read past its end.
private struct FilterFileReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    func malformed(_ message: String) -> HallmarkError {
        HallmarkError(.malformed, message, location: "member filter file, byte \(offset)")
    }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count <= remaining else { throw malformed("truncated: \(count) bytes wanted, \(remaining) left") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func integer<T: FixedWidthInteger>() throws -> T {
        var value: T = 0
        for (shift, byte) in try bytes(MemoryLayout<T>.size).enumerated() {
            value |= T(truncatingIfNeeded: byte) << T(truncatingIfNeeded: shift * 8)
        }
        return value
    }
}
