import Foundation
import HallmarkCore

/// Reading an image file whole, with errors that say what to fix.
enum ImageFile {
    /// The bytes of the regular file at `path`, at most `limit` of them.
    /// - Throws: ``HallmarkError`` `file-problem` located at `path` when it is missing, a folder, unreadable or
    ///   larger than `limit`.
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw HallmarkError(.fileProblem, "there is no such file", location: path)
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw HallmarkError(.fileProblem, "the file cannot be read: \(error.localizedDescription)", location: path)
        }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw HallmarkError(.fileProblem, "this is a folder, not an image file", location: path)
        }
        if let size = attributes[.size] as? Int, size > limit {
            throw HallmarkError(
                .fileProblem,
                "the file is \(size) bytes, more than the \(limit) bytes an image to hash may have",
                location: path
            )
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HallmarkError(
                .fileProblem,
                "the file cannot be opened for reading (check its permissions)",
                location: path
            )
        }
        defer { try? handle.close() }
        let data: Data
        do {
            // One byte past the limit, to tell a file that grew since it was measured.
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw HallmarkError(.fileProblem, "the file cannot be read: \(error.localizedDescription)", location: path)
        }
        guard data.count <= limit else {
            throw HallmarkError(
                .fileProblem,
                "the file is more than the \(limit) bytes an image to hash may have",
                location: path
            )
        }
        return [UInt8](data)
    }
}
