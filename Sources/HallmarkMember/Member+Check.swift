import HallmarkCore
import HallmarkPKI
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
        var probe = probe(lookups)
        guard !probe.positions.isEmpty || !probe.images.isEmpty else {
            metrics.recordChecks(probe.verdicts)
            return probe.verdicts
        }
        let records = try await store.listedAssertions(for: probe.positions.map { lookups[$0] })
        let inForce = records.map { $0.filter { $0.isInForce(at: time) } }
        let nearby = try await imageMatches(
            of: probe.images.map { lookups[$0].digest },
            within: imageDistance ?? imageMatching.maximumDistance,
            at: time
        )
        let revoked = try await originRevocations(
            Set(inForce.joined().map(\.origin)).union(nearby.joined().flatMap { $0.origins.map(\.origin) })
        )
        probe.settle(inForce, revoked: revoked)
        for (position, found) in zip(probe.images, nearby) {
            let matches = found.map { match in
                var match = match
                match.revokedOrigins = Self.marks(revoked, of: match.origins)
                match.counts = match.origins.contains { revoked[$0.origin]?.counts($0) ?? true }
                return match
            }
            probe.verdicts[position].imageMatches = matches
            if let exact = matches.first, exact.distance == 0 {
                probe.verdicts[position].origins = exact.origins
                probe.verdicts[position].revokedOrigins = exact.revokedOrigins
            }
            if !probe.allowed[position] {
                probe.verdicts[position].status = matches.contains(where: \.counts) ? .listed : .notListed
            }
        }
        metrics.recordChecks(probe.verdicts)
        return probe.verdicts
    }

    /// ``check(_:at:imageDistance:)`` answered from memory alone, without waiting: for the HTTP API's event loop.
    ///
    /// The same verdict, or `nil` when it needs the store: an `image-pdq` hash, the listed table not loaded (see
    /// ``HallmarkStore/isListedTableLoaded``), or an origin asserting it that the revocation list names.
    public func checkInMemory(_ identifier: Identifier, at time: Timestamp = .now()) -> Verdict? {
        guard identifier.kind != .imagePDQ else { return nil }
        let digest = digest(of: identifier)
        // In the order check reads them (see probe(_:)), for one digest: no arrays on the way.
        let filterLoaded = store.isFilterLoaded
        let maybe = store.mayBeListed(digest)
        let allowed = store.isAllowlisted(digest)
        var verdict = Verdict(
            identifier: identifier,
            kind: identifier.kind,
            digest: digest,
            status: allowed ? .allowlisted : .notListed,
            origins: [],
            filterFalsePositive: false
        )
        if maybe {
            guard let records = store.heldListedAssertions(kind: identifier.kind, digest: digest) else { return nil }
            let inForce = records.filter { $0.isInForce(at: time) }
            if let list = revocations, inForce.contains(where: { !list.revocations(of: $0.origin).isEmpty }) {
                return nil
            }
            CheckProbe.settle(&verdict, allowed: allowed, filterLoaded: filterLoaded, inForce: inForce, revoked: [:])
        }
        metrics.recordChecks(CollectionOfOne(verdict))
        return verdict
    }

    /// What the filter and the allowlist say of `lookups` before any provenance is read.
    private func probe(_ lookups: [(kind: IndicatorKind, digest: Hash256)]) -> CheckProbe {
        let digests = lookups.map(\.digest)
        // Read before probing: a filter swapped in between must not turn index-only answers into false positives.
        let filterLoaded = store.isFilterLoaded
        let maybe = store.mayBeListed(digests)
        let allowed = store.areAllowlisted(digests)
        let verdicts = zip(lookups, allowed).map { lookup, allowed in
            Verdict(
                identifier: nil,
                kind: lookup.kind,
                digest: lookup.digest,
                status: allowed ? .allowlisted : .notListed,
                origins: [],
                filterFalsePositive: false
            )
        }
        return CheckProbe(
            verdicts: verdicts,
            filterLoaded: filterLoaded,
            allowed: allowed,
            positions: maybe.indices.filter { maybe[$0] && lookups[$0].kind != .imagePDQ },
            images: lookups.indices.filter { lookups[$0].kind == .imagePDQ }
        )
    }

    /// The revocation marks among `revoked` of the origins of `assertions`.
    fileprivate static func marks(
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

/// A check under way: the verdicts as the filter and the allowlist leave them, and which need provenance.
private struct CheckProbe {
    var verdicts: [Verdict]
    /// Whether the filter was loaded when probed: only then is a positive without assertions a false positive.
    let filterLoaded: Bool
    let allowed: [Bool]
    /// The filter's positives, image hashes aside: their assertions decide.
    let positions: [Int]
    /// The image hashes, matched by distance instead.
    let images: [Int]

    /// Gives each of ``positions`` its assertions in force (in that order) and the status they make, with
    /// `revoked`'s marks.
    mutating func settle(_ inForce: [[AssertionRecord]], revoked: [MemberID: OriginRevocation]) {
        for (position, assertions) in zip(positions, inForce) {
            Self.settle(
                &verdicts[position],
                allowed: allowed[position],
                filterLoaded: filterLoaded,
                inForce: assertions,
                revoked: revoked
            )
        }
    }

    /// Gives a verdict the filter called positive its assertions in force and the status they make.
    static func settle(
        _ verdict: inout Verdict,
        allowed: Bool,
        filterLoaded: Bool,
        inForce assertions: [AssertionRecord],
        revoked: [MemberID: OriginRevocation]
    ) {
        verdict.origins = assertions
        verdict.revokedOrigins = Member.marks(revoked, of: assertions)
        let counted = assertions.contains { revoked[$0.origin]?.counts($0) ?? true }
        if !allowed { verdict.status = counted ? .listed : .notListed }
        verdict.filterFalsePositive = assertions.isEmpty && filterLoaded
    }
}
