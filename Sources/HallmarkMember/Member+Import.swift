import Foundation
import HallmarkCore
import HallmarkStore
import ServiceLifecycle

/// Where an import of an indicator file stands, for a progress line.
public enum ImportProgress: Sendable, Equatable {
    /// Checking every line before anything is appended: lines read so far, and bytes read of the file's size.
    case checking(lines: Int, bytesRead: Int, fileSize: Int)
    /// Appending: indicators committed so far, of the file's total.
    case appending(committed: Int, total: Int)
}

/// What an import of an indicator file did.
public struct ImportOutcome: Sendable, Equatable {
    /// The indicators the file holds.
    public var indicators: Int
    /// What appending them changed.
    public var outcome: SubmissionOutcome

    /// Creates an outcome.
    public init(indicators: Int, outcome: SubmissionOutcome) {
        self.indicators = indicators
        self.outcome = outcome
    }
}

extension Member {
    /// Indicators appended at a time by ``importFile(at:format:shownName:now:progress:)``, each chunk under its own
    /// signed checkpoint: memory stays flat whatever the file's size (BENCHMARKS.md, "Import of 1 M sellers").
    public static let importChunkSize = 50_000

    /// Asserts every indicator of a CSV or JSON Lines file (``IndicatorFile``), reading it a block at a time.
    ///
    /// The file is read whole first and every line checked (this node's image-quality floor included): a bad line
    /// refuses the file, naming it and the line, and nothing is appended. Then its indicators are appended in chunks of
    /// ``importChunkSize``, in the file's order, each under its own signed checkpoint, the next read and made into
    /// entries while one is committed. A node shutting down stops between chunks.
    /// - Parameters:
    ///   - format: The file's format; by default told from its name.
    ///   - shownName: The name errors give the file (an uploaded body's spool file is not the user's file).
    ///   - now: The time relative expiries (`30d`) count from.
    ///   - progress: Told where the import stands, after each block checked and each chunk committed.
    /// - Throws: ``HallmarkError`` naming the line for a bad file; once chunks are committed, the error that stopped
    ///   the import, saying how many indicators are kept and how to go on.
    public func importFile(
        at path: String,
        format: IndicatorFile.Format? = nil,
        shownName: String? = nil,
        now: Timestamp = .now(),
        progress: (ImportProgress) -> Void = { _ in }
    ) async throws -> ImportOutcome {
        let name = shownName ?? path
        let total = try IndicatorFile.check(
            path: path,
            now: now,
            format: format,
            shownName: shownName,
            minimumQuality: imageMatching.minimumQuality
        ) { checked in
            try Self.refuseIfStopping()
            progress(checked)
        }

        // Sized once for the whole file, rather than outgrown (and rebuilt) part way.
        try await store.reserveFilterRoom(for: total)
        let reader = try IndicatorFile.submissions(path: path, now: now, format: format, shownName: shownName)
        // Two chunks are held while one commits and the next is made: the writer's cache gives them room meanwhile.
        try await store.setWriterCache(kibibytes: HallmarkStore.importWriterCacheKiB)
        do {
            let outcome = try await appendChunks(from: reader, total: total, name: name, progress: progress)
            try await store.setWriterCache(kibibytes: HallmarkStore.writerCacheKiB)
            return ImportOutcome(indicators: total, outcome: outcome)
        } catch {
            try? await store.setWriterCache(kibibytes: HallmarkStore.writerCacheKiB)
            throw error
        }
    }

    /// Appends what `reader` holds in chunks, each made while the one before it commits.
    private func appendChunks(
        from reader: IndicatorFileReader<Submission>,
        total: Int,
        name: String,
        progress: (ImportProgress) -> Void
    ) async throws -> SubmissionOutcome {
        var outcome = SubmissionOutcome(appended: 0, unchanged: 0, logSize: 0)
        var committed = 0
        do {
            let first = try reader.next(upTo: Self.importChunkSize)
            var chunk = first.isEmpty ? nil : try await prepare(first, after: nil)
            while let current = chunk {
                try Self.refuseIfStopping()
                // The next chunk is read, parsed, planned and made into signed entries here while this one is
                // committed on the store's writer: the machine's other core does it, off the commit's path.
                async let committing = commit(current)
                var following: Result<PreparedSubmission?, any Error>
                do {
                    let next = try reader.next(upTo: Self.importChunkSize)
                    following = .success(next.isEmpty ? nil : try await prepare(next, after: current))
                } catch {
                    following = .failure(error)
                }
                let part = try await committing
                committed += current.checked.submissions.count
                outcome.appended += part.appended
                outcome.unchanged += part.unchanged
                outcome.logSize = part.logSize
                progress(.appending(committed: committed, total: total))
                // A file that changed since it was checked fails here, once what was committed is counted.
                chunk = try following.get()
            }
            // Nothing to append: the log's size is still worth reporting.
            if total == 0 { outcome = try await submit([]) }
        } catch let error where committed > 0 {
            // Whatever stopped it, what was committed stays: say so, and how to go on.
            let stopped = error as? HallmarkError ?? Self.stoppedError(error)
            throw HallmarkError(
                stopped.code,
                "\(stopped.message) (\(Self.keptSoFar(committed, of: total)))",
                location: stopped.location ?? name
            )
        }
        return outcome
    }

    /// What an import stopped after `committed` of `total` indicators leaves, and how to go on.
    public static func keptSoFar(_ committed: Int, of total: Int) -> String {
        "the first \(committed) of \(total) indicators were committed and are kept; run the same import again to add "
            + "the rest (what is already stored counts as unchanged)"
    }

    /// Throws `unavailable` when the node is shutting down, so that a long import stops between chunks (the caller
    /// adds what is kept).
    private static func refuseIfStopping() throws {
        guard Task.isShuttingDownGracefully || Task.isCancelled else { return }
        throw stoppedError(CancellationError())
    }

    /// What an import stopped by something other than a ``HallmarkError`` (its task cancelled, the node stopping)
    /// reports.
    private static func stoppedError(_ error: any Error) -> HallmarkError {
        if Task.isShuttingDownGracefully {
            return HallmarkError(.unavailable, "the node is shutting down and stopped the import")
        }
        if error is CancellationError || Task.isCancelled {
            return HallmarkError(.unavailable, "the import was cancelled")
        }
        return HallmarkError(.storeProblem, "the import failed: \(error)")
    }
}

extension Member {
    /// Where the node keeps an indicator file sent to it while it imports it (`DATA/uploads`): on the data folder's
    /// disk, since a large file must not sit in memory (or in a memory-backed /tmp).
    public var uploadsDirectory: URL { store.directory.appendingPathComponent("uploads", isDirectory: true) }

    /// Removes what imports cut short (a node killed mid-upload) left in ``uploadsDirectory``.
    public func removeLeftUploads() {
        try? FileManager.default.removeItem(at: uploadsDirectory)
    }
}

extension IndicatorFile {
    /// Reads the file at `path` whole, a block at a time, checking every indicator as an import would before
    /// appending any: returns how many it holds.
    /// - Parameters:
    ///   - minimumQuality: The image-quality floor `image-pdq` hashes must reach.
    ///   - progress: Told after each block; what it throws stops the reading.
    /// - Throws: ``HallmarkError`` naming the file and the line (or, for a hash below the floor, the file).
    public static func check(
        path: String,
        now: Timestamp,
        format: Format? = nil,
        shownName: String? = nil,
        minimumQuality: Int,
        progress: (ImportProgress) throws -> Void = { _ in }
    ) throws -> Int {
        let reader = try submissions(path: path, now: now, format: format, shownName: shownName)
        var total = 0
        while case let chunk = try reader.next(upTo: Member.importChunkSize), !chunk.isEmpty {
            do {
                try Submission.validate(chunk, minimumQuality: minimumQuality)
            } catch let error as HallmarkError {
                // The message names the hash; a position within the chunk would mislead.
                throw HallmarkError(error.code, error.message, location: shownName ?? path)
            }
            total += chunk.count
            try progress(.checking(lines: reader.linesRead, bytesRead: reader.bytesRead, fileSize: reader.fileSize))
        }
        return total
    }
}
