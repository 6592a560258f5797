import HallmarkCore
import HallmarkStore

extension MemberNode {
    /// Whether `identifier` is known-bad, and who says so.
    ///
    /// A negative comes from the Bloom filter alone; a positive is confirmed against the exact index
    /// and returned with its provenance, so a false positive never becomes a verdict.
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
        let maybe = store.mayBeListed(lookups.map(\.digest))
        var verdicts = zip(lookups, maybe).map { lookup, _ in
            Verdict(
                identifier: nil,
                kind: lookup.kind,
                digest: lookup.digest,
                status: .notListed,
                origins: [],
                filterFalsePositive: false
            )
        }
        let positions = maybe.indices.filter { maybe[$0] }
        guard !positions.isEmpty else {
            metrics.recordChecks(listed: 0, notListed: lookups.count, falsePositives: 0)
            return verdicts
        }
        let records = try await store.assertions(for: positions.map { lookups[$0] })
        var listed = 0
        for (position, assertions) in zip(positions, records) {
            let inForce = assertions.filter { $0.isInForce(at: time) }
            verdicts[position].origins = inForce
            verdicts[position].status = inForce.isEmpty ? .notListed : .listed
            verdicts[position].filterFalsePositive = inForce.isEmpty
            if !inForce.isEmpty { listed += 1 }
        }
        metrics.recordChecks(
            listed: listed,
            notListed: lookups.count - listed,
            falsePositives: positions.count - listed
        )
        return verdicts
    }
}
