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
    /// - Parameter time: When to judge expiry; now unless given.
    public func check(_ identifier: Identifier, at time: Timestamp = .now()) async throws -> Verdict {
        try await check([identifier], at: time)[0]
    }

    /// ``check(_:)`` for many identifiers, in order.
    public func check(_ identifiers: [Identifier], at time: Timestamp = .now()) async throws -> [Verdict] {
        let lookups = identifiers.map { (kind: $0.kind, digest: digest(of: $0)) }
        var verdicts = try await check(digests: lookups, at: time)
        for position in verdicts.indices { verdicts[position].identifier = identifiers[position] }
        return verdicts
    }

    /// Checks indicators given as digests (as peers and the member's systems may hold them), in order.
    public func check(
        digests lookups: [(kind: IndicatorKind, digest: Hash256)],
        at time: Timestamp = .now()
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
        let positions = maybe.indices.filter { maybe[$0] }
        guard !positions.isEmpty else {
            metrics.recordChecks(verdicts)
            return verdicts
        }
        let records = try await store.assertions(for: positions.map { lookups[$0] })
        let inForce = records.map { $0.filter { $0.isInForce(at: time) } }
        let revoked = try await originRevocations(Set(inForce.joined().map(\.origin)))
        for (position, assertions) in zip(positions, inForce) {
            verdicts[position].origins = assertions
            verdicts[position].revokedOrigins = revoked.filter { origin, _ in
                assertions.contains { $0.origin == origin }
            }
            let counted = assertions.contains { revoked[$0.origin]?.counts($0) ?? true }
            if !allowed[position] { verdicts[position].status = counted ? .listed : .notListed }
            verdicts[position].filterFalsePositive = assertions.isEmpty && filterLoaded
        }
        metrics.recordChecks(verdicts)
        return verdicts
    }
}
