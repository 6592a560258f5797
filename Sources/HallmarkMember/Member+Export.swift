import Crypto
import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore

extension Member {
    /// A full member filter file (`Protocol/member-filter.md`) of every digest of `kinds` listed now, under a fresh
    /// random seed, signed by this member.
    /// - Throws: ``HallmarkError`` `invalid-value` when `kinds` is empty or names a kind a file cannot hold.
    /// - Returns: The file's bytes, and what they hold.
    public func exportFilter(kinds: [IndicatorKind], now: Timestamp = .now()) async throws -> ExportedFilter {
        let kinds = try Self.fileKinds(kinds)
        let digests = try await store.listedDigests(of: kinds)
        let blockCount = MemberFilterFile.blockCount(forDigestCount: digests.count)
        var generator = SystemRandomNumberGenerator()
        let seed = generator.next() as UInt64
        let words = MemberFilterFile.words(of: digests, seed: seed, blockCount: blockCount)
        return try file(
            kinds: kinds,
            seed: seed,
            blockCount: blockCount,
            digestCount: digests.count,
            now: now,
            base: nil,
            words: words,
            body: .full(words: words)
        )
    }

    /// A delta for a consumer holding the full file `files[0]` with the deltas `files[1...]` applied: the blocks of
    /// a filter of what is listed now (same kinds, seed and size) that differ from what the consumer holds.
    /// - Throws: ``HallmarkError`` when a file is not this member's, does not verify or does not follow the one
    ///   before it, or when the digests have outgrown the full file's size (make a new full file then).
    /// - Returns: The file's bytes, and what they hold.
    public func exportFilterDelta(against files: [[UInt8]], now: Timestamp = .now()) async throws -> ExportedFilter {
        guard let first = files.first else {
            throw HallmarkError(.invalidValue, "a delta needs the full file the consumer holds")
        }
        let publicKey = identity.signingKey.publicKey
        let full = try readOwnFile(first, publicKey: publicKey, position: 1)
        guard case .full(var held) = full.body else {
            throw HallmarkError(.invalidValue, "the first file must be a full file, not a delta", location: "file 1")
        }
        for (offset, bytes) in files.dropFirst().enumerated() {
            let delta = try readOwnFile(bytes, publicKey: publicKey, position: offset + 2)
            guard delta.seed == full.seed, delta.blockCount == full.blockCount, delta.kinds == full.kinds else {
                throw HallmarkError(.invalidValue, "this delta is not of the full file", location: "file \(offset + 2)")
            }
            do { held = try delta.applied(to: held) } catch let error as HallmarkError {
                throw error.at("file \(offset + 2)")
            }
        }
        let digests = try await store.listedDigests(of: full.kinds)
        let rate = MemberFilterFile.falsePositiveRate(blockCount: full.blockCount, digestCount: digests.count)
        guard rate <= MemberFilterFile.deltaFalsePositiveLimit else {
            throw HallmarkError(
                .invalidValue,
                "\(digests.count) digests have outgrown the full file's \(full.blockCount) blocks (false positives "
                    + "would reach \(Self.percent(rate))): make a new full file"
            )
        }
        let words = MemberFilterFile.words(of: digests, seed: full.seed, blockCount: full.blockCount)
        var changes: [MemberFilterFile.BlockChange] = []
        for block in 0..<full.blockCount {
            let range = (block * 8)..<(block * 8 + 8)
            if words[range] != held[range] {
                changes.append(
                    MemberFilterFile.BlockChange(block: UInt32(truncatingIfNeeded: block), words: Array(words[range]))
                )
            }
        }
        return try file(
            kinds: full.kinds,
            seed: full.seed,
            blockCount: full.blockCount,
            digestCount: digests.count,
            now: now,
            base: MemberFilterFile.hash(words: held),
            words: words,
            body: .delta(changes: changes)
        )
    }

    private func file(
        kinds: [IndicatorKind],
        seed: UInt64,
        blockCount: Int,
        digestCount: Int,
        now: Timestamp,
        base: Hash256?,
        words: [UInt32],
        body: MemberFilterFile.Body
    ) throws -> ExportedFilter {
        let file = MemberFilterFile(
            kinds: kinds,
            seed: seed,
            blockCount: blockCount,
            digestCount: digestCount,
            created: now,
            base: base,
            wordsHash: MemberFilterFile.hash(words: words),
            member: identity.member,
            keyID: identity.allianceKey.id,
            body: body
        )
        return ExportedFilter(bytes: try file.encoded(signedWith: identity.signingKey), file: file)
    }

    /// An earlier file of this member's, verified with its key and made under this alliance key.
    private func readOwnFile(_ bytes: [UInt8], publicKey: P256.Signing.PublicKey, position: Int) throws
        -> MemberFilterFile
    {
        do {
            let file = try MemberFilterFile.decode(bytes, verifyingWith: publicKey)
            guard file.member == identity.member, file.keyID == identity.allianceKey.id else {
                throw HallmarkError(.invalidValue, "made by \(file.member) under key \(file.keyID), not by this member")
            }
            return file
        } catch let error as HallmarkError {
            throw error.at("file \(position)")
        }
    }

    /// The kinds a file may hold, checked, in the file's order.
    private static func fileKinds(_ kinds: [IndicatorKind]) throws -> [IndicatorKind] {
        guard !kinds.isEmpty else { throw HallmarkError(.invalidValue, "name at least one kind") }
        for kind in kinds where !MemberFilterFile.kindBits.contains(kind) {
            throw HallmarkError(.invalidValue, "a member filter file cannot hold kind \(kind)")
        }
        return MemberFilterFile.kindBits.filter(kinds.contains)
    }

    private static func percent(_ rate: Double) -> String {
        String(format: "%.3f %%", rate * 100)
    }
}

/// A member filter file made by ``Member/exportFilter(kinds:now:)`` or ``Member/exportFilterDelta(against:now:)``.
public struct ExportedFilter: Sendable {
    /// The signed file, as written.
    public var bytes: [UInt8]
    /// What it holds.
    public var file: MemberFilterFile
}

extension Member {
    /// Every assertion, listed or retracted, of `kinds` last changed at or after `since` (all when `nil`), with its
    /// disputes and, for this member's own, the raw value it keeps: what an export to other tools holds.
    public func exportAssertions(kinds: [IndicatorKind], since: Timestamp?) async throws -> [IndicatorAssertion] {
        try await store.assertionsForExport(kinds: kinds, since: since)
    }
}
