import Foundation
import HallmarkCore
import NIOCore

/// A file's bytes as a sequence of buffers of at most 1 MiB, read as a request body sends them: a file of any size
/// goes out in flat memory.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// The bytes read at a time.
    static let chunkBytes = 1 << 20

    let path: String
    /// The file's size when it was opened.
    let size: Int64

    /// A sequence over the file at `path`.
    /// - Throws: ``HallmarkError`` `file-problem` when it cannot be read.
    init(path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.int64Value,
            FileManager.default.isReadableFile(atPath: path)
        else {
            throw HallmarkError(.fileProblem, "cannot read the file", location: path)
        }
        self.path = path
        self.size = size
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(path: path)
    }

    /// Reads the file a chunk at a time; the file is opened at the first `next()`.
    struct Iterator: AsyncIteratorProtocol {
        let path: String
        private var handle: FileHandle?
        private var finished = false

        init(path: String) {
            self.path = path
        }

        mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: path) else {
                    throw HallmarkError(.fileProblem, "cannot read the file", location: path)
                }
                handle = opened
            }
            guard let data = try handle?.read(upToCount: FileChunks.chunkBytes), !data.isEmpty else {
                finished = true
                try handle?.close()
                handle = nil
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }
}
