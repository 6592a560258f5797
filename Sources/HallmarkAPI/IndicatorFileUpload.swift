import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird

/// An indicator file sent as the body of `POST /v1/indicators` (`text/csv`, or `application/jsonl` for JSON Lines):
/// written to the data folder as it arrives, then imported from there as `hallmark import` imports a file, so that
/// memory stays flat whatever its size and an import through the node runs as fast as a direct one.
enum IndicatorFileUpload {
    /// The file format `request`'s `Content-Type` names, or `nil` when it is not an indicator file.
    static func format(of request: Request) -> IndicatorFile.Format? {
        switch JSONRequestBody.mediaType(of: request) {
        case "text/csv": .csv
        case "application/jsonl", "application/x-ndjson": .jsonLines
        default: nil
        }
    }

    /// The gate that lets a node import one indicator file at a time (each API server makes its own): checking and
    /// appending a file keeps a thread busy for as long as it takes (minutes at 10 M lines) and holds a chunk in
    /// memory; a second at once would take the node's other core from its syncs and double that memory.
    static func oneAtATime() -> ConcurrencyGate {
        ConcurrencyGate(limit: 1, busyDetail: "another indicator file is being imported; send this one once it is done")
    }

    /// Writes the body of `request` to a file in the member's uploads folder, imports it, and removes it; through
    /// `gate` (``oneAtATime()``), which refuses it before any of its body is read while another file is imported.
    /// - Throws: ``APIProblem`` `503` `busy` from `gate`, `413` past ``APILimits/maximumFileBytes``;
    ///   ``HallmarkError`` for a bad line (nothing appended), a disk that cannot hold the body, or what stopped the
    ///   import (saying what is kept).
    static func importBody(
        of request: Request,
        as format: IndicatorFile.Format,
        into member: Member,
        through gate: ConcurrencyGate
    ) async throws -> ImportOutcome {
        try await gate.run { try await spoolAndImport(request, as: format, into: member) }
    }

    private static func spoolAndImport(
        _ request: Request,
        as format: IndicatorFile.Format,
        into member: Member
    ) async throws -> ImportOutcome {
        let folder = member.uploadsDirectory
        // A body whose announced length is over the limit, or over what the disk has free, is refused before any of
        // it is written (a body without a length is checked as it comes).
        if let announced = request.headers[.contentLength].flatMap({ Int64($0) }) {
            guard announced <= APILimits.maximumFileBytes else { throw APIProblem.fileTooLarge }
            try checkRoom(for: announced, in: folder.deletingLastPathComponent())
        }
        let path = folder.appendingPathComponent("upload-\(UUID().uuidString)").path
        let descriptor: Int32
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw SpoolError(errno: errno) }
        } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let full = (error as? SpoolError)?.errno == ENOSPC || underlying?.code == Int(truncatingIfNeeded: ENOSPC)
            throw HallmarkError(
                full ? .storageFull : .storeProblem,
                "cannot make a file for the request body in the data folder: \(error)",
                location: folder.path
            )
        }
        defer { unlink(path) }
        do {
            defer { close(descriptor) }
            var size: Int64 = 0
            for try await buffer in request.body {
                size += Int64(truncatingIfNeeded: buffer.readableBytes)
                guard size <= APILimits.maximumFileBytes else { throw APIProblem.fileTooLarge }
                try buffer.withUnsafeReadableBytes { try write(all: $0, to: descriptor) }
            }
        } catch let error as SpoolError {
            throw HallmarkError(
                error.errno == ENOSPC ? .storageFull : .storeProblem,
                "cannot write the request body to the data folder: \(error)",
                location: folder.path
            )
        }
        return try await member.importFile(at: path, format: format, shownName: IndicatorFile.bodyName)
    }

    /// Throws `storage-full` when the disk holding `folder` has fewer than `bytes` free: the body would fill it
    /// before its import could begin (and starve the store's own writes meanwhile).
    private static func checkRoom(for bytes: Int64, in folder: URL) throws {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.path)
        guard let free = (attributes?[.systemFreeSize] as? NSNumber)?.int64Value, free < bytes else { return }
        throw HallmarkError(
            .storageFull,
            "the indicator file sent (\(bytes) bytes) does not fit on the disk holding the data folder (\(free) bytes "
                + "free); free space and send it again",
            location: folder.path
        )
    }

    /// Writes every byte of `bytes`, as many `write` calls as it takes.
    private static func write(all bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        guard let start = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
                let written = Glibc.write(descriptor, start + offset, bytes.count - offset)
            #else
                let written = Darwin.write(descriptor, start + offset, bytes.count - offset)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                throw SpoolError(errno: errno)
            }
            offset += written
        }
    }

    /// A system call on the spool file failed.
    struct SpoolError: Error, CustomStringConvertible {
        var errno: Int32
        var description: String { String(cString: strerror(errno)) }
    }
}

extension APIProblem {
    /// An indicator file past ``APILimits/maximumFileBytes``: `413`.
    static let fileTooLarge = APIProblem(
        .contentTooLarge,
        code: "too-large",
        detail: "the indicator file sent is larger than \(APILimits.maximumFileBytes) bytes"
    )
}
