/// The end-to-end check of a raw identifier: normalize, digest, filter, confirm against the exact index.
///
/// Kept apart from the filter measurements; the lead engineer fills it in once normalization,
/// digests and the store exist. DESIGN.md's goal: at least 1 M checks per second on one core.
func endToEndSection(options: BenchmarkOptions) {
    print("## End-to-end raw identifier check\n")
    print("Not measured yet: this section is a placeholder for normalize → digest → filter → confirm.\n")
}
