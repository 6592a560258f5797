import HallmarkCore
import HallmarkRecords
import HallmarkStore

extension Member {
    /// Whether `identifier` is known-bad, and who says so.
    ///
    /// A negative comes from the Bloom filter alone; a positive is confirmed against the exact index
    /// and returned with its provenance, so a false positive never becomes a verdict. An identifier on this
    /// member's allowlist answers ``Verdict/Status/allowlisted``, whether listed or not, with the assertions shown.
    /// While the filter is not loaded yet (``HallmarkStore/isFilterLoaded``), every identifier is confirmed there.
    /// An origin whose certificate is revoked is marked (``Verdict/revokedOrigins``); its assertions count only
    /// as ``OriginRevocation/counts(_:)`` says.
    /// - Parameters:
    ///   - time: When to judge expiry; now unless given.
    ///   - imageDistance: For `image-pdq`, as in ``check(digests:at:imageDistance:)``.
    public func check(
        _ identifier: Identifier,
        at time: Timestamp = .now(),
        imageDistance: Int? = nil
    ) async throws -> Verdict {
        try await check([identifier], at: time, imageDistance: imageDistance)[0]
    }

    /// ``check(_:at:imageDistance:)`` for many identifiers, in order.
    public func check(
        _ identifiers: [Identifier],
        at time: Timestamp = .now(),
        imageDistance: Int? = nil
    ) async throws -> [Verdict] {
        let lookups = identifiers.map { (kind: $0.kind, digest: digest(of: $0)) }
        var verdicts = try await check(digests: lookups, at: time, imageDistance: imageDistance)
        for position in verdicts.indices { verdicts[position].identifier = identifiers[position] }
        return verdicts
    }

    /// Checks indicators given as digests (as peers and the member's systems may hold them), in order.
    ///
    /// An `image-pdq` hash is answered from the near-match index instead of the filter: it is listed when any listed
    /// hash lies within `imageDistance` bits of it (``Verdict/imageMatches``), and its ``Verdict/origins`` are those
    /// of the hash itself.
    /// - Parameter imageDistance: The largest distance at which a listed image hash matches; the node's
    ///   ``ImageMatching/maximumDistance`` unless given (clamped to ``ImageMatching/distances``).
    public func check(
        digests lookups: [(kind: IndicatorKind, digest: Hash256)],
        at time: Timestamp = .now(),
        imageDistance: Int? = nil
    ) async throws -> [Verdict] {
        let digests = lookups.map(\.digest)
        // Read before probing: a filter swapped in between must not turn index-only answers into false positives.
        let filterLoaded = store.isFilterLoaded
        let maybe = store.mayBeListed(digests)
        let allowed = store.areAllowlisted(digests)
        var verdicts = zip(lookups, allowed).map { lookup, allowed in
            Verdict(
                identifier: nil,
                kind: lookup.kind,
                digest: lookup.digest,
                status: allowed ? .allowlisted : .notListed,
                origins: [],
                filterFalsePositive: false
            )
        }
        let images = lookups.indices.filter { lookups[$0].kind == .imagePDQ }
        let positions = maybe.indices.filter { maybe[$0] && lookups[$0].kind != .imagePDQ }
        guard !positions.isEmpty || !images.isEmpty else {
            metrics.recordChecks(verdicts)
            return verdicts
        }
        let records = try await store.listedAssertions(for: positions.map { lookups[$0] })
        let inForce = records.map { $0.filter { $0.isInForce(at: time) } }
        let nearby = try await imageMatches(
            of: images.map { lookups[$0].digest },
            within: imageDistance ?? imageMatching.maximumDistance,
            at: time
        )
        let revoked = try await originRevocations(
            Set(inForce.joined().map(\.origin)).union(nearby.joined().flatMap { $0.origins.map(\.origin) })
        )
        for (position, assertions) in zip(positions, inForce) {
            verdicts[position].origins = assertions
            verdicts[position].revokedOrigins = Self.marks(revoked, of: assertions)
            let counted = assertions.contains { revoked[$0.origin]?.counts($0) ?? true }
            if !allowed[position] { verdicts[position].status = counted ? .listed : .notListed }
            verdicts[position].filterFalsePositive = assertions.isEmpty && filterLoaded
        }
        for (position, found) in zip(images, nearby) {
            let matches = found.map { match in
                var match = match
                match.revokedOrigins = Self.marks(revoked, of: match.origins)
                match.counts = match.origins.contains { revoked[$0.origin]?.counts($0) ?? true }
                return match
            }
            verdicts[position].imageMatches = matches
            if let exact = matches.first, exact.distance == 0 {
                verdicts[position].origins = exact.origins
                verdicts[position].revokedOrigins = exact.revokedOrigins
            }
            if !allowed[position] {
                verdicts[position].status = matches.contains(where: \.counts) ? .listed : .notListed
            }
        }
        metrics.recordChecks(verdicts)
        return verdicts
    }

    /// The revocation marks among `revoked` of the origins of `assertions`.
    private static func marks(
        _ revoked: [MemberID: OriginRevocation],
        of assertions: [AssertionRecord]
    ) -> [MemberID: OriginRevocation] {
        revoked.filter { origin, _ in assertions.contains { $0.origin == origin } }
    }

    /// For each of `hashes`, the listed hashes within `distance` with their assertions in force at `time`, nearest
    /// first; revocation marks are left for the caller. A hash the index still holds but whose assertions were all
    /// retracted or lapsed is left out.
    private func imageMatches(
        of hashes: [Hash256],
        within distance: Int,
        at time: Timestamp
    ) async throws -> [[ImageMatch]] {
        guard !hashes.isEmpty else { return [] }
        let found = hashes.map { store.imageMatches(of: $0, within: distance) }
        let held = Array(Set(found.joined().map(\.hash)))
        let records = try await store.listedAssertions(for: held.map { (kind: IndicatorKind.imagePDQ, digest: $0) })
        var standing: [Hash256: [AssertionRecord]] = [:]
        for (hash, assertions) in zip(held, records) {
            let inForce = assertions.filter { $0.isInForce(at: time) }
            if !inForce.isEmpty { standing[hash] = inForce }
        }
        return found.map { matches in
            matches.compactMap { match in
                standing[match.hash].map {
                    ImageMatch(
                        hash: match.hash,
                        distance: match.distance,
                        origins: $0,
                        revokedOrigins: [:],
                        counts: true
                    )
                }
            }
        }
    }
}
