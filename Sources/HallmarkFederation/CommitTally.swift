/// Entries a fetch has committed so far, read even when the fetch fails part-way: the chunks committed before a
/// failure stay, and the ``SyncReport`` counts them.
actor CommitTally {
    /// Entries committed.
    private(set) var count = 0

    /// Adds `entries` committed.
    func add(_ entries: Int) { count += entries }
}
