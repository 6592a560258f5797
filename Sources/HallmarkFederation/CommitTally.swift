/// Entries (and chunks) a fetch has committed so far, read even when the fetch fails part-way: the chunks committed before a
/// failure stay, and the ``SyncReport`` counts them.
actor CommitTally {
    /// Entries committed.
    private(set) var count = 0
    /// Chunks (verified batches) committed.
    private(set) var batches = 0

    /// Adds `entries` committed in `batches` chunks.
    func add(_ entries: Int, batches: Int) {
        count += entries
        self.batches += batches
    }
}
