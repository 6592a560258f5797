import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Logging

extension Member {
    /// Puts identifiers on this member's allowlist (its authorized sellers and resellers), or replaces the note of
    /// those already on it. The allowlist is kept in this node's store only: it is in no log, so it is never shared.
    /// - Returns: How many were not on it before.
    /// - Throws: ``HallmarkError`` `invalid-value` for a note that is too long; nothing is changed then.
    @discardableResult
    public func allow(_ items: [AllowlistItem]) async throws -> Int {
        for item in items { try item.validate() }
        let now = Timestamp.now()
        let entries = items.map { item in
            AllowlistEntry(
                kind: item.identifier.kind,
                digest: digest(of: item.identifier),
                value: item.identifier.normalized,
                note: item.note,
                added: now
            )
        }
        let added = try await store.allow(entries)
        logger.info(
            "allowlist changed",
            metadata: ["allowlist.given": "\(items.count)", "allowlist.added": "\(added)"]
        )
        return added
    }

    /// Takes an identifier off this member's allowlist.
    /// - Returns: Whether it was on it.
    @discardableResult
    public func disallow(_ identifier: Identifier) async throws -> Bool {
        try await store.disallow(kind: identifier.kind, digest: digest(of: identifier))
    }

    /// Every identifier on this member's allowlist, by kind and value.
    public func allowlist() async throws -> [AllowlistEntry] {
        try await store.allowlist()
    }
}
